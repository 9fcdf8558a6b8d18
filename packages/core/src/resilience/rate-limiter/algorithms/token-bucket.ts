import { ceilMs, EPSILON, floorUnits, type RateLimitAlgorithm, type RateLimitDecision } from './algorithm.js';

/** Tokens in the bucket as of `at`. */
export interface TokenBucketState {
  tokens: number;
  at: number;
}

/**
 * A token bucket: holds up to `capacity` tokens, gains `refillPerSecond` continuously, and a
 * request spends `cost` tokens. Allows bursts of up to `capacity`, then a steady rate.
 * Starts full.
 *
 * @example
 * ```ts
 * import { TokenBucketAlgorithm } from '@keel/core/rate-limiter';
 * const bucket = new TokenBucketAlgorithm(10, 5);
 * const state = bucket.create(0);
 * console.log(bucket.consume(state, 0, 3).remaining); // 7
 * ```
 * @category Rate limiter
 */
export class TokenBucketAlgorithm implements RateLimitAlgorithm<TokenBucketState> {
  readonly name = 'token-bucket';
  readonly windowMs: number;
  private readonly perMs: number;

  constructor(
    readonly limit: number,
    readonly refillPerSecond: number,
  ) {
    this.perMs = refillPerSecond / 1000;
    this.windowMs = (limit / refillPerSecond) * 1000;
  }

  create(now: number): TokenBucketState {
    return { tokens: this.limit, at: now };
  }

  private refill(state: TokenBucketState, now: number): void {
    if (now > state.at) {
      state.tokens = Math.min(this.limit, state.tokens + (now - state.at) * this.perMs);
      state.at = now;
    }
  }

  consume(state: TokenBucketState, now: number, cost: number): RateLimitDecision {
    this.refill(state, now);
    const allowed = state.tokens + EPSILON >= cost;
    if (allowed) state.tokens = Math.max(0, state.tokens - cost);
    let retryAfterMs = 0;
    if (!allowed)
      retryAfterMs =
        cost > this.limit ? Number.POSITIVE_INFINITY : ceilMs((cost - state.tokens) / this.perMs);
    return {
      allowed,
      remaining: floorUnits(state.tokens),
      limit: this.limit,
      resetMs: ceilMs((this.limit - state.tokens) / this.perMs),
      retryAfterMs,
    };
  }

  idle(state: TokenBucketState, now: number): boolean {
    this.refill(state, now);
    return state.tokens + EPSILON >= this.limit;
  }
}
