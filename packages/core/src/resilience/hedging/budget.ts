import { type Clock, systemClock } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { check, checkKnownKeys } from '../../options/index.js';

/**
 * Options of a {@link HedgingBudget}.
 * @example
 * ```ts
 * import { hedging, type HedgingBudgetOptions } from '@keel/core/hedging';
 * const fivePercent: HedgingBudgetOptions = { ratio: 0.05, minPerSecond: 0.5, maxTokens: 20 };
 * const policy = hedging({ delay: 80, budget: fivePercent });
 * console.log(typeof policy.execute);
 * ```
 * @category Resilience
 */
export interface HedgingBudgetOptions {
  /**
   * Tokens each call deposits; a hedge spends one. With 0.1, hedges stay near 10 % of calls
   * over time, however slow the downstream gets.
   * @default 0.1
   */
  readonly ratio?: number;
  /**
   * Tokens added per second of clock time regardless of traffic, so a quiet service may still
   * hedge now and then.
   * @default 1
   */
  readonly minPerSecond?: number;
  /** Most tokens that can accumulate (and the starting balance): the largest burst of hedges. @default 10 */
  readonly maxTokens?: number;
  /** Time source for `minPerSecond`. @default systemClock */
  readonly clock?: Clock;
}

/**
 * Defaults of {@link HedgingBudgetOptions}.
 * @example
 * ```ts
 * import { DEFAULT_HEDGING_BUDGET_OPTIONS, HedgingBudget } from '@keel/core/hedging';
 * const stricter = new HedgingBudget({ ...DEFAULT_HEDGING_BUDGET_OPTIONS, ratio: 0.02 });
 * console.log(stricter.maxTokens); // 10
 * ```
 * @category Resilience
 */
export const DEFAULT_HEDGING_BUDGET_OPTIONS = Object.freeze({ ratio: 0.1, minPerSecond: 1, maxTokens: 10 });

const KNOWN_OPTIONS = ['ratio', 'minPerSecond', 'maxTokens', 'clock'] as const;

// Deposits of ratios such as 0.1 do not add up to exactly 1 in binary floating point.
const EPSILON = 1e-9;

/**
 * A token bucket that caps hedging to a share of traffic, in the manner of a retry budget:
 * every call deposits `ratio` tokens, time adds `minPerSecond`, a hedge spends one, and the
 * balance never exceeds `maxTokens`. Share one budget between the hedging policies that call
 * the same downstream so their extra load is capped together.
 *
 * @example
 * ```ts
 * import { HedgingBudget, hedging } from '@keel/core/hedging';
 * const budget = new HedgingBudget({ ratio: 0.05 });
 * const search = hedging({ delay: 50, budget });
 * const suggest = hedging({ delay: 20, budget });
 * console.log(budget.available, typeof search.execute, typeof suggest.execute);
 * ```
 * @category Resilience
 */
export class HedgingBudget {
  /** Tokens each call deposits. */
  readonly ratio: number;
  /** Tokens added per second of clock time. */
  readonly minPerSecond: number;
  /** Cap on the balance. */
  readonly maxTokens: number;
  private readonly clock: Clock;
  private tokens: number;
  private refilledAt: number;

  constructor(options: HedgingBudgetOptions = {}) {
    const field = 'budget';
    if (typeof options !== 'object' || options === null)
      throw new InvalidOptionError(field, options, 'an object of budget options');
    checkKnownKeys(field, options, KNOWN_OPTIONS);
    this.ratio = check.ratio(`${field}.ratio`, options.ratio, DEFAULT_HEDGING_BUDGET_OPTIONS.ratio);
    this.minPerSecond = check.number(
      `${field}.minPerSecond`,
      options.minPerSecond,
      DEFAULT_HEDGING_BUDGET_OPTIONS.minPerSecond,
      { min: 0 },
    );
    this.maxTokens = check.number(
      `${field}.maxTokens`,
      options.maxTokens,
      DEFAULT_HEDGING_BUDGET_OPTIONS.maxTokens,
      {
        min: 1,
      },
    );
    this.clock = checkClock(`${field}.clock`, options.clock);
    this.tokens = this.maxTokens;
    this.refilledAt = this.clock.now();
  }

  /** Tokens available now. */
  get available(): number {
    this.refill();
    return this.tokens;
  }

  /** Records a call: adds `ratio` tokens. */
  deposit(): void {
    this.refill();
    this.tokens = Math.min(this.maxTokens, this.tokens + this.ratio);
  }

  /** Spends one token for a hedge; false (and nothing spent) when the balance is short. */
  tryWithdraw(): boolean {
    this.refill();
    if (this.tokens < 1 - EPSILON) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }

  private refill(): void {
    if (this.minPerSecond === 0) return;
    const now = this.clock.now();
    const elapsed = now - this.refilledAt;
    if (elapsed <= 0) return;
    this.refilledAt = now;
    this.tokens = Math.min(this.maxTokens, this.tokens + (elapsed * this.minPerSecond) / 1000);
  }
}

/** Validates an optional clock option. @internal */
export function checkClock(field: string, value: unknown): Clock {
  if (value === undefined) return systemClock;
  const clock = value as Partial<Clock> | null;
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof clock.now !== 'function' ||
    typeof clock.setTimeout !== 'function'
  )
    throw new InvalidOptionError(field, value, 'a Clock (with now and setTimeout)');
  return value as Clock;
}
