export type { CacheOptions, CacheRemoval, CacheSetOptions, CacheStats, RemovalReason } from './cache.js';
export { Cache, DEFAULT_CACHE_OPTIONS } from './cache.js';
export { FrequencySketch } from './frequency-sketch.js';
export { hashKey, hashString, mix32 } from './hash.js';
export { lru } from './policies/lru.js';
export type { EvictionPolicy, EvictionPolicyFactory, PolicyContext } from './policies/policy.js';
export { DEFAULT_S3_FIFO_OPTIONS, type S3FifoOptions, s3Fifo } from './policies/s3-fifo.js';
export { DEFAULT_W_TINYLFU_OPTIONS, type WTinyLfuOptions, wTinyLfu } from './policies/w-tinylfu.js';
