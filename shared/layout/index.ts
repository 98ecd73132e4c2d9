export * from './targets';
export * from './cprogram';
export * from './header';
export * from './message';
export * from './built';
export * from './sample';
