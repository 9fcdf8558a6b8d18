export type { RateLimitAlgorithm, RateLimitDecision } from './algorithms/algorithm.js';
export { GcraAlgorithm, type GcraState } from './algorithms/gcra.js';
export { SlidingWindowAlgorithm, type SlidingWindowState } from './algorithms/sliding-window.js';
export { TokenBucketAlgorithm, type TokenBucketState } from './algorithms/token-bucket.js';
export {
  InvalidRateLimitHeaderError,
  isInvalidRateLimitHeaderError,
  isRateLimitedError,
  RateLimitedError,
} from './errors.js';
export type {
  HeadersLike,
  ParsedQuotaPolicy,
  ParsedRateLimitHeaders,
  ParsedServiceLimit,
  RateLimitHeaderPolicy,
  RateLimitHeaders,
} from './headers.js';
export { formatRateLimitHeaders, parseRateLimitHeaders } from './headers.js';
export type {
  GcraOptions,
  KeyedLimiterOptions,
  RateLimitAcquireOptions,
  RateLimitPolicyInfo,
  SlidingWindowOptions,
  TokenBucketOptions,
} from './keyed-limiter.js';
export {
  DEFAULT_KEYED_LIMITER_OPTIONS,
  gcra,
  RateLimiter,
  slidingWindow,
  tokenBucket,
} from './keyed-limiter.js';
export type { RateLimiterPolicyOptions, RateLimitRejectEvent } from './rate-limiter-policy.js';
export {
  DEFAULT_RATE_LIMITER_POLICY_OPTIONS,
  RateLimiterPolicy,
  rateLimiter,
} from './rate-limiter-policy.js';
