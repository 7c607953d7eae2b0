// Customer notices live in ./notices/; this module keeps the import path today's callers use.
export * from './notices/index.js';
