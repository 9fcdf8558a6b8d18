import { hasErrorCode, KeelError } from '../../errors/index.js';

/**
 * Thrown when a rate limit denies a call (or a wait for one would run past `maxWaitMs` or the
 * deadline). `retryAfterMs` says when the same cost would be allowed.
 *
 * @example
 * ```ts
 * import { gcra, isRateLimitedError, rateLimiter } from '@keel/core/rate-limiter';
 * const policy = rateLimiter(gcra({ ratePerSecond: 1 }), { key: 'tenant-a' });
 * await policy.execute(() => 'first');
 * await policy.execute(() => 'second').catch((error) => {
 *   if (isRateLimitedError(error)) console.log(error.key, error.retryAfterMs); // tenant-a 1000
 * });
 * ```
 * @category Rate limiter
 */
export class RateLimitedError extends KeelError {
  override readonly name = 'RateLimitedError' as const;
  readonly code = 'KEEL_RATE_LIMITED' as const;
  constructor(
    /** The key whose quota is exhausted. */
    readonly key: string,
    /** Milliseconds until the same cost would be allowed; `Infinity` if never. */
    readonly retryAfterMs: number,
    /** The quota of the limit that denied the call. */
    readonly limit: number,
  ) {
    super(
      Number.isFinite(retryAfterMs)
        ? `Rate limit of ${limit} exceeded for "${key}"; retry after ${retryAfterMs} ms`
        : `Rate limit of ${limit} can never admit this cost for "${key}"`,
    );
  }
}

/**
 * True when `error` is a {@link RateLimitedError}.
 * @example
 * ```ts
 * import { gcra, isRateLimitedError, rateLimiter } from '@keel/core/rate-limiter';
 * const policy = rateLimiter(gcra({ ratePerSecond: 1 }));
 * await policy.execute(() => 'ok').catch((e) => {
 *   if (isRateLimitedError(e)) console.log(`retry in ${e.retryAfterMs} ms`);
 * });
 * ```
 * @category Rate limiter
 */
export const isRateLimitedError = (error: unknown): error is RateLimitedError =>
  hasErrorCode(error, 'KEEL_RATE_LIMITED');

/**
 * Thrown by {@link parseRateLimitHeaders} when a rate-limit header field is malformed. Names
 * the field, shows its value and says what was wrong.
 *
 * @example
 * ```ts
 * import { isInvalidRateLimitHeaderError, parseRateLimitHeaders } from '@keel/core/rate-limiter';
 * try {
 *   parseRateLimitHeaders(new Headers({ RateLimit: '"default";r=many' }));
 * } catch (error) {
 *   if (isInvalidRateLimitHeaderError(error)) console.log(error.problem); // "r" must be a non-negative Integer
 * }
 * ```
 * @category Rate limiter
 */
export class InvalidRateLimitHeaderError extends KeelError {
  override readonly name = 'InvalidRateLimitHeaderError' as const;
  readonly code = 'KEEL_INVALID_RATE_LIMIT_HEADER' as const;
  constructor(
    /** The header field's name, such as `RateLimit-Policy`. */
    readonly header: string,
    /** The field value as received. */
    readonly value: string,
    /** What was wrong with it. */
    readonly problem: string,
  ) {
    super(
      `Malformed ${header} header (${problem}): ${JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)}`,
    );
  }
}

/**
 * True when `error` is an {@link InvalidRateLimitHeaderError}.
 * @example
 * ```ts
 * import { isInvalidRateLimitHeaderError, parseRateLimitHeaders } from '@keel/core/rate-limiter';
 * try {
 *   parseRateLimitHeaders({ RateLimit: '"default";t=5' });
 * } catch (e) {
 *   if (isInvalidRateLimitHeaderError(e)) console.log(e.header); // RateLimit
 * }
 * ```
 * @category Rate limiter
 */
export const isInvalidRateLimitHeaderError = (error: unknown): error is InvalidRateLimitHeaderError =>
  hasErrorCode(error, 'KEEL_INVALID_RATE_LIMIT_HEADER');
