export * from './profile';
export * from './codec';
export * from './recognize';
