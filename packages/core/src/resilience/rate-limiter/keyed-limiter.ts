import { type Clock, systemClock } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import { sleep, throwIfAborted } from '../../signal/index.js';
import type { RateLimitAlgorithm, RateLimitDecision } from './algorithms/algorithm.js';
import { GcraAlgorithm } from './algorithms/gcra.js';
import { SlidingWindowAlgorithm } from './algorithms/sliding-window.js';
import { TokenBucketAlgorithm } from './algorithms/token-bucket.js';
import { RateLimitedError } from './errors.js';

/**
 * Options every keyed limiter accepts, whatever its algorithm.
 * @category Rate limiter
 */
export interface KeyedLimiterOptions {
  /** Name of the quota policy, used in `RateLimit` headers. @default 'default' */
  readonly name?: string;
  /**
   * Most keys tracked at once. Keys back at their full quota are forgotten first (that loses
   * nothing); past the cap the least recently used key is dropped, which hands it a fresh
   * quota, so size it above the number of keys active within one window. @default 10000
   */
  readonly maxKeys?: number;
  /** Longest {@link RateLimiter.acquire} waits by default, in milliseconds. @default 1000 */
  readonly maxWaitMs?: number;
  /** Source of time. @default systemClock */
  readonly clock?: Clock;
}

/**
 * Defaults shared by every keyed limiter.
 *
 * @example
 * ```ts
 * import { DEFAULT_KEYED_LIMITER_OPTIONS, tokenBucket } from '@keel/core/rate-limiter';
 * const limiter = tokenBucket({ capacity: 10, refillPerSecond: 1 });
 * console.log(limiter.policy.name, DEFAULT_KEYED_LIMITER_OPTIONS.maxKeys); // default 10000
 * ```
 * @category Rate limiter
 */
export const DEFAULT_KEYED_LIMITER_OPTIONS = {
  name: 'default',
  maxKeys: 10_000,
  maxWaitMs: 1_000,
} as const;

const COMMON = ['name', 'maxKeys', 'maxWaitMs', 'clock'];

/**
 * What a quota policy looks like from outside: enough to advertise it in headers.
 * @category Rate limiter
 */
export interface RateLimitPolicyInfo {
  /** The policy's name. */
  readonly name: string;
  /** The quota: units available at once. */
  readonly quota: number;
  /** The period over which the quota is replenished, in milliseconds. */
  readonly windowMs: number;
  /** The algorithm's name. */
  readonly algorithm: string;
}

/**
 * Options of {@link RateLimiter.acquire}.
 * @category Rate limiter
 */
export interface RateLimitAcquireOptions {
  /** Stops waiting; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Longest wait in milliseconds; a wait that would be longer fails at once. @default the limiter's maxWaitMs */
  readonly maxWaitMs?: number;
  /** Absolute deadline on the limiter's clock; a wait past it fails at once. @default Infinity */
  readonly deadline?: number;
}

/**
 * An in-memory rate limiter keeping one state per key (a user, a tenant, an IP address),
 * with bounded memory. Build one with {@link tokenBucket}, {@link gcra} or
 * {@link slidingWindow}; wrap it in {@link rateLimiter} to use it as a policy.
 *
 * @example
 * ```ts
 * import { tokenBucket } from '@keel/core/rate-limiter';
 * const limiter = tokenBucket({ capacity: 5, refillPerSecond: 1 });
 * const decision = await limiter.acquire('tenant-a', 1, { maxWaitMs: 2_000 });
 * console.log(decision.remaining, limiter.size);
 * ```
 * @category Rate limiter
 */
export class RateLimiter {
  private readonly states = new Map<string, unknown>();
  /** The policy this limiter enforces, for headers and dashboards. */
  readonly policy: RateLimitPolicyInfo;

  /** @internal use {@link tokenBucket}, {@link gcra} or {@link slidingWindow}. */
  constructor(
    private readonly algorithm: RateLimitAlgorithm<unknown>,
    name: string,
    private readonly maxKeys: number,
    /** The default longest wait of {@link RateLimiter.acquire}. */
    readonly maxWaitMs: number,
    /** The clock the limiter runs on. */
    readonly clock: Clock,
  ) {
    this.policy = { name, quota: algorithm.limit, windowMs: algorithm.windowMs, algorithm: algorithm.name };
  }

  /** Keys currently tracked. */
  get size(): number {
    return this.states.size;
  }

  /**
   * Takes `cost` units from `key`'s quota if they are available now, and says how it went.
   * Never waits and never throws for a denial.
   */
  tryAcquire(key: string, cost = 1): RateLimitDecision {
    if (typeof cost !== 'number' || !(cost >= 0) || !Number.isFinite(cost))
      throw new InvalidOptionError('cost', cost, 'a finite number >= 0');
    const now = this.clock.now();
    const states = this.states;
    let state = states.get(key);
    if (state === undefined) {
      this.makeRoom(now);
      state = this.algorithm.create(now);
    } else {
      // Re-inserting keeps the map in least-recently-used order.
      states.delete(key);
    }
    states.set(key, state);
    return this.algorithm.consume(state, now, cost);
  }

  /**
   * Takes `cost` units from `key`'s quota, waiting on the clock for them when needed. Fails
   * at once with {@link RateLimitedError} when the wait would exceed `maxWaitMs` or the
   * deadline, and with the signal's reason when aborted. Waiters are not queued: each retries
   * when its own wait is over, so under contention a waiter may be overtaken.
   */
  async acquire(key: string, cost = 1, options: RateLimitAcquireOptions = {}): Promise<RateLimitDecision> {
    checkKnownKeys('acquire', options, ['signal', 'maxWaitMs', 'deadline']);
    const maxWaitMs = check.duration('acquire.maxWaitMs', options.maxWaitMs, this.maxWaitMs, {
      allowInfinity: true,
    });
    const signal = check.signal('acquire.signal', options.signal);
    const giveUpAt = Math.min(this.clock.now() + maxWaitMs, options.deadline ?? Number.POSITIVE_INFINITY);
    for (;;) {
      throwIfAborted(signal);
      const decision = this.tryAcquire(key, cost);
      if (decision.allowed) return decision;
      if (this.clock.now() + decision.retryAfterMs > giveUpAt)
        throw new RateLimitedError(key, decision.retryAfterMs, decision.limit);
      await sleep(this.clock, decision.retryAfterMs, signal);
    }
  }

  /** Forgets `key`, giving it a full quota. */
  reset(key: string): void {
    this.states.delete(key);
  }

  /** Forgets every key back at its full quota; returns how many were dropped. */
  sweep(): number {
    const now = this.clock.now();
    let dropped = 0;
    for (const [key, state] of this.states) {
      if (this.algorithm.idle(state, now)) {
        this.states.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** Called before adding a key: forgets idle keys among the oldest, then the oldest if full. */
  private makeRoom(now: number): void {
    const states = this.states;
    // Amortised clean-up: the least recently used key is the likeliest to be idle.
    let scanned = 0;
    const budget = states.size >= this.maxKeys ? 64 : 2;
    for (const [key, state] of states) {
      if (scanned++ >= budget) break;
      if (this.algorithm.idle(state, now)) states.delete(key);
      else if (states.size < this.maxKeys) break;
    }
    if (states.size >= this.maxKeys) {
      const oldest = states.keys().next();
      if (!oldest.done) states.delete(oldest.value);
    }
  }
}

function common(scope: string, options: KeyedLimiterOptions) {
  const d = DEFAULT_KEYED_LIMITER_OPTIONS;
  const clock = check.object<Clock>(`${scope}.clock`, options.clock) ?? systemClock;
  if (typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function')
    throw new InvalidOptionError(
      `${scope}.clock`,
      clock,
      'a Clock (an object with now and setTimeout methods)',
    );
  return {
    name: check.string(`${scope}.name`, options.name, d.name),
    maxKeys: check.integer(`${scope}.maxKeys`, options.maxKeys, d.maxKeys, { min: 1 }),
    maxWaitMs: check.duration(`${scope}.maxWaitMs`, options.maxWaitMs, d.maxWaitMs, { allowInfinity: true }),
    clock,
  };
}

function build(algorithm: RateLimitAlgorithm<unknown>, c: ReturnType<typeof common>): RateLimiter {
  return new RateLimiter(algorithm, c.name, c.maxKeys, c.maxWaitMs, c.clock);
}

/**
 * Options of {@link tokenBucket}.
 * @category Rate limiter
 */
export interface TokenBucketOptions extends KeyedLimiterOptions {
  /** Tokens the bucket holds when full: the largest burst. */
  readonly capacity: number;
  /** Tokens added per second, continuously. */
  readonly refillPerSecond: number;
}

/**
 * A keyed token-bucket limiter: bursts up to `capacity`, then `refillPerSecond` on average.
 *
 * @example
 * ```ts
 * import { tokenBucket } from '@keel/core/rate-limiter';
 * const perUser = tokenBucket({ capacity: 10, refillPerSecond: 2 });
 * const decision = perUser.tryAcquire('user-42');
 * if (!decision.allowed) console.log(`retry in ${decision.retryAfterMs} ms`);
 * ```
 * @category Rate limiter
 */
export function tokenBucket(options: TokenBucketOptions): RateLimiter {
  check.object('tokenBucket', options);
  checkKnownKeys('tokenBucket', options, [...COMMON, 'capacity', 'refillPerSecond']);
  const capacity = check.number('tokenBucket.capacity', options?.capacity, Number.NaN, { above: 0 });
  const refill = check.number('tokenBucket.refillPerSecond', options?.refillPerSecond, Number.NaN, {
    above: 0,
  });
  return build(new TokenBucketAlgorithm(capacity, refill), common('tokenBucket', options ?? {}));
}

/**
 * Options of {@link gcra}.
 * @category Rate limiter
 */
export interface GcraOptions extends KeyedLimiterOptions {
  /** Sustained rate, in units per second. */
  readonly ratePerSecond: number;
  /** Units allowed back to back from a full quota. @default 1 */
  readonly burst?: number;
}

/**
 * A keyed GCRA limiter: `burst` units at once, then exactly one every `1/ratePerSecond`.
 * One timestamp of state per key.
 *
 * @example
 * ```ts
 * import { gcra } from '@keel/core/rate-limiter';
 * const api = gcra({ ratePerSecond: 5, burst: 10 });
 * console.log(api.tryAcquire('tenant-a').remaining); // 9
 * ```
 * @category Rate limiter
 */
export function gcra(options: GcraOptions): RateLimiter {
  check.object('gcra', options);
  checkKnownKeys('gcra', options, [...COMMON, 'ratePerSecond', 'burst']);
  const rate = check.number('gcra.ratePerSecond', options?.ratePerSecond, Number.NaN, { above: 0 });
  const burst = check.number('gcra.burst', options?.burst, 1, { min: 1 });
  return build(new GcraAlgorithm(rate, burst), common('gcra', options ?? {}));
}

/**
 * Options of {@link slidingWindow}.
 * @category Rate limiter
 */
export interface SlidingWindowOptions extends KeyedLimiterOptions {
  /** Units allowed per window. */
  readonly limit: number;
  /** The window's length in milliseconds. */
  readonly windowMs: number;
}

/**
 * A keyed sliding-window-counter limiter: about `limit` units per `windowMs`, estimated from
 * the current and previous fixed windows.
 *
 * @example
 * ```ts
 * import { slidingWindow } from '@keel/core/rate-limiter';
 * const logins = slidingWindow({ limit: 5, windowMs: 60_000 });
 * console.log(logins.tryAcquire('203.0.113.7').allowed);
 * ```
 * @category Rate limiter
 */
export function slidingWindow(options: SlidingWindowOptions): RateLimiter {
  check.object('slidingWindow', options);
  checkKnownKeys('slidingWindow', options, [...COMMON, 'limit', 'windowMs']);
  const limit = check.number('slidingWindow.limit', options?.limit, Number.NaN, { above: 0 });
  const windowMs = check.duration('slidingWindow.windowMs', options?.windowMs, Number.NaN, { above: 0 });
  return build(new SlidingWindowAlgorithm(limit, windowMs), common('slidingWindow', options ?? {}));
}
