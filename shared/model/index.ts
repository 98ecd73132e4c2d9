export * from './types';
export * from './declarations';
export * from './program';
export * from './facts';
export * from './pack';
