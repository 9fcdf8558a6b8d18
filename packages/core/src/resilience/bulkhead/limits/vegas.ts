import { InvalidOptionError } from '../../../errors/index.js';
import { check, checkKnownKeys } from '../../../options/index.js';
import { type Random, systemRandom } from '../../../random/index.js';
import { checkLimitBounds, type Limit, type LimitSample, log10Step } from './limit.js';

/** A threshold or step: a constant, or a function of the current integer limit. */
type LimitFunction = number | ((limit: number) => number);

/**
 * Options of {@link vegas}.
 * @category Bulkhead
 */
export interface VegasOptions {
  /** The limit before any sample arrives. @default 20 */
  readonly initialLimit?: number;
  /** The limit never goes below this. @default 1 */
  readonly minLimit?: number;
  /** The limit never goes above this. @default 1000 */
  readonly maxLimit?: number;
  /** How much of each new estimate replaces the old one, in (0, 1]. @default 1 */
  readonly smoothing?: number;
  /** Queue estimate under which the limit still grows by a small step. @default 3·log10(limit) */
  readonly alpha?: LimitFunction;
  /** Queue estimate over which the limit shrinks; also the jump when there is no queue. @default 6·log10(limit) */
  readonly beta?: LimitFunction;
  /** Queue estimate at or under which the limit grows by `beta`. @default log10(limit) */
  readonly threshold?: LimitFunction;
  /** Step of an ordinary increase and of every decrease. @default log10(limit) */
  readonly step?: LimitFunction;
  /**
   * The no-load RTT is re-measured about every `probeMultiplier × limit` samples (with random
   * jitter in [0.5, 1)), so a permanently faster or slower backend is learned.
   * @default 30
   */
  readonly probeMultiplier?: number;
  /** Source of the probe jitter. @default systemRandom */
  readonly random?: Random;
}

/**
 * Defaults of {@link vegas}; the functions (`alpha`, `beta`, `threshold`, `step`) default to
 * multiples of `max(1, floor(log10(limit)))` as in Netflix concurrency-limits' `VegasLimit`.
 *
 * @example
 * ```ts
 * import { DEFAULT_VEGAS_OPTIONS, vegas } from '@keel/core/bulkhead';
 * const limit = vegas({ maxLimit: 200 });
 * console.log(limit.current, DEFAULT_VEGAS_OPTIONS.maxLimit); // 20 1000
 * ```
 * @category Bulkhead
 */
export const DEFAULT_VEGAS_OPTIONS = {
  initialLimit: 20,
  minLimit: 1,
  maxLimit: 1000,
  smoothing: 1,
  probeMultiplier: 30,
} as const;

const KNOWN = [...Object.keys(DEFAULT_VEGAS_OPTIONS), 'alpha', 'beta', 'threshold', 'step', 'random'];

/**
 * The state of a {@link vegas} limit, for dashboards and tests.
 * @category Bulkhead
 */
export interface VegasLimit extends Limit {
  /** The unrounded estimate. */
  readonly estimate: number;
  /** The RTT believed to hold with no queueing (the minimum seen since the last probe). */
  readonly noLoadRttMs: number;
}

class Vegas implements VegasLimit {
  estimate: number;
  noLoadRttMs = 0;
  private probeCount = 0;
  private probeJitter = 0;

  constructor(
    private readonly minLimit: number,
    private readonly maxLimit: number,
    private readonly smoothing: number,
    private readonly alpha: (limit: number) => number,
    private readonly beta: (limit: number) => number,
    private readonly threshold: (limit: number) => number,
    private readonly step: (limit: number) => number,
    private readonly probeMultiplier: number,
    private readonly random: Random,
    initial: number,
  ) {
    this.estimate = initial;
    this.resetJitter();
  }

  get current(): number {
    return Math.max(1, Math.floor(this.estimate));
  }

  private resetJitter(): void {
    this.probeJitter = 0.5 + this.random.next() * 0.5;
  }

  update({ rttMs, inflight, didDrop }: LimitSample): number {
    if (!(rttMs > 0)) return this.current;
    this.probeCount++;
    if (this.probeJitter * this.probeMultiplier * this.estimate <= this.probeCount) {
      // Forget the old minimum: take this sample as the new no-load RTT.
      this.resetJitter();
      this.probeCount = 0;
      this.noLoadRttMs = rttMs;
      return this.current;
    }
    if (this.noLoadRttMs === 0 || rttMs < this.noLoadRttMs) {
      this.noLoadRttMs = rttMs;
      return this.current;
    }
    const limit = this.current;
    // Calls waiting rather than being served: limit × (1 − noLoad/actual).
    const queue = Math.ceil(this.estimate * (1 - this.noLoadRttMs / rttMs));
    let next: number;
    if (didDrop) next = this.estimate - this.step(limit);
    else if (inflight * 2 < this.estimate) return limit;
    else if (queue <= this.threshold(limit)) next = this.estimate + this.beta(limit);
    else if (queue < this.alpha(limit)) next = this.estimate + this.step(limit);
    else if (queue > this.beta(limit)) next = this.estimate - this.step(limit);
    else return limit;
    next = Math.max(this.minLimit, Math.min(this.maxLimit, next));
    this.estimate = (1 - this.smoothing) * this.estimate + this.smoothing * next;
    return this.current;
  }
}

function limitFunction(field: string, value: unknown, fallback: (limit: number) => number) {
  if (value === undefined) return fallback;
  if (typeof value === 'function') return value as (limit: number) => number;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return () => value;
  throw new InvalidOptionError(field, value, 'a number >= 0 or a function of the limit');
}

/**
 * A delay-based limit after TCP Vegas, with the semantics of Netflix concurrency-limits'
 * `VegasLimit`. It tracks the minimum RTT as the no-load RTT and estimates the queue as
 * `limit·(1 − noLoadRtt/rtt)`. A queue at or under `threshold` grows the limit by `beta`, one
 * under `alpha` grows it by `step`, one over `beta` shrinks it by `step`, and a drop always
 * shrinks it; in between it holds. All four default to small multiples of `log10(limit)`, so
 * large limits move in relatively smaller steps. It holds still while less than half the limit
 * is in use.
 *
 * @example
 * ```ts
 * import { adaptiveBulkhead, vegas } from '@keel/core/bulkhead';
 * const pool = adaptiveBulkhead(vegas({ initialLimit: 10, maxLimit: 500 }));
 * await pool.execute(() => 'ok');
 * ```
 * @category Bulkhead
 */
export function vegas(options: VegasOptions = {}): VegasLimit {
  checkKnownKeys('vegas', options, KNOWN);
  const d = DEFAULT_VEGAS_OPTIONS;
  const minLimit = check.integer('vegas.minLimit', options.minLimit, d.minLimit, { min: 1 });
  const maxLimit = check.integer('vegas.maxLimit', options.maxLimit, d.maxLimit, { min: 1 });
  const initial = check.integer('vegas.initialLimit', options.initialLimit, d.initialLimit, { min: 1 });
  checkLimitBounds('vegas', minLimit, maxLimit, initial);
  const smoothing = check.number('vegas.smoothing', options.smoothing, d.smoothing, { above: 0, max: 1 });
  const probeMultiplier = check.number('vegas.probeMultiplier', options.probeMultiplier, d.probeMultiplier, {
    above: 0,
  });
  const random = check.object<Random>('vegas.random', options.random) ?? systemRandom;
  if (typeof random.next !== 'function')
    throw new InvalidOptionError('vegas.random', random, 'a Random with next()');
  return new Vegas(
    minLimit,
    maxLimit,
    smoothing,
    limitFunction('vegas.alpha', options.alpha, (l) => 3 * log10Step(l)),
    limitFunction('vegas.beta', options.beta, (l) => 6 * log10Step(l)),
    limitFunction('vegas.threshold', options.threshold, log10Step),
    limitFunction('vegas.step', options.step, log10Step),
    probeMultiplier,
    random,
    initial,
  );
}
