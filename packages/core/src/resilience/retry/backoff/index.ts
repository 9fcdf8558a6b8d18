export type { Backoff, BackoffState } from './backoff.js';
export type { ConstantBackoffOptions } from './constant.js';
export { constant, DEFAULT_CONSTANT_BACKOFF } from './constant.js';
export type { DecorrelatedJitterV2Options } from './decorrelated-jitter-v2.js';
export { DEFAULT_DECORRELATED_JITTER_V2, decorrelatedJitterV2 } from './decorrelated-jitter-v2.js';
export type { ExponentialBackoffOptions, Jitter } from './exponential.js';
export { DEFAULT_EXPONENTIAL_BACKOFF, exponential } from './exponential.js';
export type { LinearBackoffOptions } from './linear.js';
export { DEFAULT_LINEAR_BACKOFF, linear } from './linear.js';
