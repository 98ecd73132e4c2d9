export * from './ffi';
