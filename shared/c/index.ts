export * from './reader';
export * from './checks';
export * from './navigation';
export * from './stubs';
export * from './relevance';
