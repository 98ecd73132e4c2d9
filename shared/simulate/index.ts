export * from './random';
export * from './runtime';
