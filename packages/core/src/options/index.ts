export type { Bounds } from './validate.js';
export { check, checkKnownKeys } from './validate.js';
