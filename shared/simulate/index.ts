export * from './random';
export * from './runtime';
export * from './itables';
export * from './recording';
