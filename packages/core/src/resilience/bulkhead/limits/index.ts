export type { AimdOptions } from './aimd.js';
export { aimd, DEFAULT_AIMD_OPTIONS } from './aimd.js';
export type { Gradient2Limit, Gradient2Options } from './gradient2.js';
export { DEFAULT_GRADIENT2_OPTIONS, gradient2 } from './gradient2.js';
export type { Limit, LimitSample } from './limit.js';
export { log10Step } from './limit.js';
export type { VegasLimit, VegasOptions } from './vegas.js';
export { DEFAULT_VEGAS_OPTIONS, vegas } from './vegas.js';
