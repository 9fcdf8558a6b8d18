import { InvalidOptionError } from '../../errors/index.js';
import { type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import {
  contextFrom,
  type ExecuteContext,
  type ExecuteOptions,
  type Policy,
  type PolicyFunction,
} from '../../policy/index.js';
import type { RateLimitDecision } from './algorithms/algorithm.js';
import { RateLimitedError } from './errors.js';
import type { RateLimiter } from './keyed-limiter.js';

/**
 * Options of {@link rateLimiter}.
 * @category Rate limiter
 */
export interface RateLimiterPolicyOptions {
  /** The key to charge: a fixed string, or derived from the execution context. @default 'default' */
  readonly key?: string | ((context: ExecuteContext) => string);
  /** Units each call costs. @default 1 */
  readonly cost?: number;
  /**
   * Longest a call waits for quota, in milliseconds; 0 rejects at once with
   * {@link RateLimitedError}. A wait is also cut short by the caller's deadline and signal.
   * @default 0
   */
  readonly maxWaitMs?: number;
}

/**
 * Defaults of {@link rateLimiter}.
 *
 * @example
 * ```ts
 * import { DEFAULT_RATE_LIMITER_POLICY_OPTIONS } from '@keel/core/rate-limiter';
 * // Without options every call costs 1 unit of the 'default' key and never waits.
 * console.log(DEFAULT_RATE_LIMITER_POLICY_OPTIONS); // { key: 'default', cost: 1, maxWaitMs: 0 }
 * ```
 * @category Rate limiter
 */
export const DEFAULT_RATE_LIMITER_POLICY_OPTIONS = {
  key: 'default',
  cost: 1,
  maxWaitMs: 0,
} as const;

/**
 * Emitted when a rate-limiter policy turns a call away.
 * @category Rate limiter
 */
export interface RateLimitRejectEvent {
  readonly key: string;
  readonly error: RateLimitedError;
}

/**
 * A {@link RateLimiter} used as a {@link Policy}: each call takes `cost` units from its key's
 * quota before running, or waits up to `maxWaitMs` for them, or is rejected with
 * {@link RateLimitedError}.
 *
 * @example
 * ```ts
 * import { rateLimiter, slidingWindow } from '@keel/core/rate-limiter';
 * const policy = rateLimiter(slidingWindow({ limit: 100, windowMs: 60_000 }));
 * policy.onReject(({ key, error }) => console.log(key, error.retryAfterMs));
 * await policy.execute(() => 'ok');
 * ```
 * @category Rate limiter
 */
export class RateLimiterPolicy implements Policy {
  private readonly rejects = new EventEmitter<RateLimitRejectEvent>();
  /** A call was rejected. */
  readonly onReject: Event<RateLimitRejectEvent> = this.rejects.event;
  private readonly fixedKey: string | undefined;

  /** @internal use {@link rateLimiter}. */
  constructor(
    /** The limiter charged by this policy. */
    readonly limiter: RateLimiter,
    private readonly key: string | ((context: ExecuteContext) => string),
    private readonly cost: number,
    private readonly maxWaitMs: number,
  ) {
    this.fixedKey = typeof key === 'string' ? key : undefined;
  }

  async execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions | ExecuteContext): Promise<T> {
    const context = contextFrom(options);
    const key = this.fixedKey ?? (this.key as (context: ExecuteContext) => string)(context);
    const decision = this.limiter.tryAcquire(key, this.cost);
    if (!decision.allowed) await this.waitOrReject(key, decision, context);
    return fn(context);
  }

  private async waitOrReject(key: string, first: RateLimitDecision, context: ExecuteContext): Promise<void> {
    const clock = this.limiter.clock;
    if (this.maxWaitMs === 0 || clock.now() + first.retryAfterMs > context.deadline) {
      throw this.reject(new RateLimitedError(key, first.retryAfterMs, first.limit));
    }
    try {
      await this.limiter.acquire(key, this.cost, {
        signal: context.signal,
        maxWaitMs: this.maxWaitMs,
        deadline: context.deadline,
      });
    } catch (error) {
      if (error instanceof RateLimitedError) throw this.reject(error);
      throw error;
    }
  }

  private reject(error: RateLimitedError): RateLimitedError {
    if (this.rejects.hasListeners) this.rejects.emit({ key: error.key, error });
    return error;
  }
}

/**
 * Wraps a keyed {@link RateLimiter} as a policy.
 *
 * @example
 * ```ts
 * import { gcra, rateLimiter } from '@keel/core/rate-limiter';
 * const limited = rateLimiter(gcra({ ratePerSecond: 10, burst: 20 }), { maxWaitMs: 200 });
 * const answer = await limited.execute(() => 42);
 * console.log(answer);
 * ```
 * @category Rate limiter
 */
export function rateLimiter(limiter: RateLimiter, options: RateLimiterPolicyOptions = {}): RateLimiterPolicy {
  if (typeof (limiter as Partial<RateLimiter> | null)?.tryAcquire !== 'function' || !limiter.clock)
    throw new InvalidOptionError(
      'limiter',
      limiter,
      'a RateLimiter from tokenBucket(), gcra() or slidingWindow()',
    );
  checkKnownKeys('rateLimiter', options, ['key', 'cost', 'maxWaitMs']);
  const d = DEFAULT_RATE_LIMITER_POLICY_OPTIONS;
  const key = options.key ?? d.key;
  if (typeof key !== 'function' && (typeof key !== 'string' || key.length === 0))
    throw new InvalidOptionError('rateLimiter.key', key, 'a non-empty string or a function of the context');
  const cost = check.number('rateLimiter.cost', options.cost, d.cost, { min: 0 });
  const maxWaitMs = check.duration('rateLimiter.maxWaitMs', options.maxWaitMs, d.maxWaitMs, {
    allowInfinity: true,
  });
  return new RateLimiterPolicy(limiter, key, cost, maxWaitMs);
}
