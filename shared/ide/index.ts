export * from './navigation';
export * from './hover';
export * from './symbols';
