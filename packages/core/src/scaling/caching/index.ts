export type { CacheOptions, CacheRemoval, CacheSetOptions, CacheStats, RemovalReason } from './cache.js';
export { Cache, DEFAULT_CACHE_OPTIONS } from './cache.js';
export { type CacheAsideOptions, cacheAside } from './cache-aside.js';
export { isWriteBehindClosedError, WriteBehindClosedError } from './errors.js';
export { FrequencySketch } from './frequency-sketch.js';
export { hashCacheKey, hashString, mix32 } from './hash.js';
export {
  type BatchLoader,
  DEFAULT_LOADING_CACHE_OPTIONS,
  type LoadContext,
  type Loader,
  LoadingCache,
  type LoadingCacheOptions,
  type ReadOutcome,
  type RefreshErrorEvent,
  type Writer,
} from './loading-cache.js';
export { lru } from './policies/lru.js';
export type { EvictionPolicy, EvictionPolicyFactory, PolicyContext } from './policies/policy.js';
export { DEFAULT_S3_FIFO_OPTIONS, type S3FifoOptions, s3Fifo } from './policies/s3-fifo.js';
export { DEFAULT_W_TINYLFU_OPTIONS, type WTinyLfuOptions, wTinyLfu } from './policies/w-tinylfu.js';
export { Singleflight } from './singleflight.js';
export { optimal, type SimulationResult, simulate } from './trace-sim.js';
export { concatTraces, loopTrace, mixTraces, scanTrace, type Trace, zipfTrace } from './traces.js';
export {
  type BatchWriter,
  DEFAULT_WRITE_BEHIND_OPTIONS,
  WriteBehind,
  type WriteBehindErrorEvent,
  type WriteBehindFlushEvent,
  type WriteBehindOptions,
} from './write-behind.js';
