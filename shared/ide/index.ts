export * from './navigation';
export * from './hover';
export * from './symbols';
export * from './folding';
export * from './inlay';
export * from './semantic';
export * from './completion';
export * from './signature';
