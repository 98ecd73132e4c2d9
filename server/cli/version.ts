declare const VALE_FFI_VERSION: string | undefined;

/** The package version, put in by the build (`dev` when run from source). */
export const VERSION = typeof VALE_FFI_VERSION === 'string' ? VALE_FFI_VERSION : 'dev';
