import type { Clock } from '../../clock/index.js';
import { systemClock } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { check, checkKnownKeys } from '../../options/index.js';

/**
 * Options of {@link RetryBudget}.
 * @example
 * ```ts
 * import { RetryBudget } from '@keel/core/retry';
 * const budget = new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 2, maxBalance: 50 });
 * ```
 * @category Retry
 */
export interface RetryBudgetOptions {
  /**
   * Tokens each request deposits; a retry costs one, so retries stay below this fraction of
   * requests (0.2 allows one retry per five requests).
   * @default 0.2
   */
  readonly ratio?: number;
  /**
   * Retries allowed per second whatever the ratio, so a service with little traffic can still
   * retry. Works as a separate bucket of this size that refills at this rate.
   * @default 10
   */
  readonly minRetriesPerSecond?: number;
  /**
   * The most ratio tokens that can be banked, which bounds the burst of retries after a long
   * quiet, healthy period.
   * @default 100
   */
  readonly maxBalance?: number;
  /**
   * The clock the per-second floor is measured on.
   * @default systemClock
   */
  readonly clock?: Clock;
}

/**
 * The defaults of {@link RetryBudgetOptions}.
 * @example
 * ```ts
 * import { DEFAULT_RETRY_BUDGET_OPTIONS } from '@keel/core/retry';
 * console.log(DEFAULT_RETRY_BUDGET_OPTIONS.ratio); // 0.2
 * ```
 * @category Retry
 */
export const DEFAULT_RETRY_BUDGET_OPTIONS = {
  ratio: 0.2,
  minRetriesPerSecond: 10,
  maxBalance: 100,
} as const satisfies RetryBudgetOptions;

/** One token, forgiving the binary rounding of summed fractions (ten deposits of 0.1 make 0.999…). */
const WHOLE_TOKEN = 1 - 1e-9;

/**
 * A token bucket that caps retries at a fraction of requests, so that when a dependency fails
 * its clients do not multiply the load on it. Share one budget between every policy that calls
 * the same downstream service.
 *
 * Each request deposits `ratio` tokens (up to `maxBalance`); each retry withdraws one. When the
 * balance is below one, retries draw on a floor of `minRetriesPerSecond`. The same idea as
 * Finagle's retry budget and Envoy's `retry_budget` (a percentage of active requests with a
 * minimum of concurrent retries).
 *
 * @example
 * ```ts
 * import { retry, RetryBudget } from '@keel/core/retry';
 * const paymentsBudget = new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 5 });
 * const charge = retry({ budget: paymentsBudget });
 * const refund = retry({ budget: paymentsBudget });
 * ```
 * @category Retry
 */
export class RetryBudget {
  /** Tokens each request deposits. */
  readonly ratio: number;
  /** The per-second floor of retries. */
  readonly minRetriesPerSecond: number;
  /** The most ratio tokens that can be banked. */
  readonly maxBalance: number;
  private readonly clock: Clock;
  private tokens = 0;
  private reserve: number;
  private reserveAt: number;

  constructor(options: RetryBudgetOptions = {}) {
    check.object('options', options);
    checkKnownKeys('RetryBudget', options, ['ratio', 'minRetriesPerSecond', 'maxBalance', 'clock']);
    this.ratio = check.number('ratio', options.ratio, DEFAULT_RETRY_BUDGET_OPTIONS.ratio, { min: 0 });
    this.minRetriesPerSecond = check.number(
      'minRetriesPerSecond',
      options.minRetriesPerSecond,
      DEFAULT_RETRY_BUDGET_OPTIONS.minRetriesPerSecond,
      { min: 0 },
    );
    this.maxBalance = check.number(
      'maxBalance',
      options.maxBalance,
      DEFAULT_RETRY_BUDGET_OPTIONS.maxBalance,
      {
        min: 0,
      },
    );
    this.clock = options.clock === undefined ? systemClock : validClock(options.clock);
    this.reserve = this.minRetriesPerSecond;
    this.reserveAt = this.clock.now();
  }

  /** Ratio tokens currently banked (never negative, never above `maxBalance`). */
  get balance(): number {
    return this.tokens;
  }

  /** Retries that could start now: whole ratio tokens plus whole tokens of the per-second floor. */
  get available(): number {
    this.refillReserve();
    return Math.floor(this.tokens + 1e-9) + Math.floor(this.reserve + 1e-9);
  }

  /** Records one request (a first attempt), depositing `ratio` tokens. */
  recordRequest(): void {
    const next = this.tokens + this.ratio;
    this.tokens = Math.min(next, this.maxBalance);
  }

  /** Takes the token for one retry; false (and nothing taken) when the budget is spent. */
  tryAcquireRetry(): boolean {
    if (this.tokens >= WHOLE_TOKEN) {
      const left = this.tokens - 1;
      this.tokens = Math.max(left, 0);
      return true;
    }
    this.refillReserve();
    if (this.reserve >= WHOLE_TOKEN) {
      const left = this.reserve - 1;
      this.reserve = Math.max(left, 0);
      return true;
    }
    return false;
  }

  private refillReserve(): void {
    const now = this.clock.now();
    const elapsed = now - this.reserveAt;
    if (elapsed <= 0) return;
    this.reserveAt = now;
    const refilled = this.reserve + (elapsed / 1_000) * this.minRetriesPerSecond;
    this.reserve = Math.min(refilled, this.minRetriesPerSecond);
  }
}

function validClock(value: unknown): Clock {
  const clock = check.object<Clock>('clock', value);
  if (typeof clock?.now !== 'function' || typeof clock.setTimeout !== 'function')
    throw new InvalidOptionError('clock', value, 'a Clock (now and setTimeout)');
  return clock;
}
