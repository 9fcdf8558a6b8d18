export type {
  AdaptiveBulkheadOptions,
  BulkheadAcquireEvent,
  BulkheadLimitChangeEvent,
  BulkheadOptions,
  BulkheadRejectEvent,
  BulkheadReleaseEvent,
  BulkheadStats,
} from './bulkhead.js';
export {
  adaptiveBulkhead,
  Bulkhead,
  bulkhead,
  DEFAULT_ADAPTIVE_BULKHEAD_OPTIONS,
  DEFAULT_BULKHEAD_OPTIONS,
  isOverloadError,
} from './bulkhead.js';
export {
  BulkheadQueueTimeoutError,
  BulkheadRejectedError,
  isBulkheadQueueTimeoutError,
  isBulkheadRejectedError,
} from './errors.js';
export * from './limits/index.js';
