export * from './profile';
export * from './codec';
