export * from './reader';
export * from './checks';
