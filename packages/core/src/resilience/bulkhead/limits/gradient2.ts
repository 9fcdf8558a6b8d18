import { InvalidOptionError } from '../../../errors/index.js';
import { check, checkKnownKeys } from '../../../options/index.js';
import { checkLimitBounds, type Limit, type LimitSample } from './limit.js';

/**
 * Options of {@link gradient2}.
 * @category Bulkhead
 */
export interface Gradient2Options {
  /** The limit before any sample arrives. @default 20 */
  readonly initialLimit?: number;
  /** The limit never goes below this. @default 1 */
  readonly minLimit?: number;
  /** The limit never goes above this. @default 200 */
  readonly maxLimit?: number;
  /**
   * How much of each new estimate replaces the old one, in (0, 1]; smaller is steadier.
   * @default 0.2
   */
  readonly smoothing?: number;
  /**
   * Head-room added to every estimate, so the limit can probe upwards while latency is flat:
   * a number, or a function of the current (integer) limit.
   * @default 4
   */
  readonly queueSize?: number | ((limit: number) => number);
  /** Samples over which the long-term RTT average is taken (EMA span). @default 600 */
  readonly longWindow?: number;
  /** Samples averaged plainly before the long-term EMA starts. @default 10 */
  readonly warmupWindow?: number;
}

/**
 * Defaults of {@link gradient2}. Netflix concurrency-limits uses 20 as the floor too; here the
 * floor is 1 so that a small service can go below 20 unless asked not to.
 *
 * @example
 * ```ts
 * import { DEFAULT_GRADIENT2_OPTIONS, gradient2 } from '@keel/core/bulkhead';
 * const limit = gradient2({ minLimit: 20 });
 * console.log(limit.current, DEFAULT_GRADIENT2_OPTIONS.initialLimit); // 20 20
 * ```
 * @category Bulkhead
 */
export const DEFAULT_GRADIENT2_OPTIONS = {
  initialLimit: 20,
  minLimit: 1,
  maxLimit: 200,
  smoothing: 0.2,
  queueSize: 4,
  longWindow: 600,
  warmupWindow: 10,
} as const;

const KNOWN = Object.keys(DEFAULT_GRADIENT2_OPTIONS);

/** An exponential moving average that starts as a plain mean over the warm-up samples. */
class WarmedEma {
  private count = 0;
  private sum = 0;
  value = 0;
  private readonly factor: number;
  constructor(
    span: number,
    private readonly warmup: number,
  ) {
    this.factor = 2 / (span + 1);
  }
  add(sample: number): number {
    if (this.count < this.warmup) {
      this.count++;
      this.sum += sample;
      this.value = this.sum / this.count;
    } else {
      this.value += (sample - this.value) * this.factor;
    }
    return this.value;
  }
}

/**
 * The state of a {@link gradient2} limit, for dashboards and tests.
 * @category Bulkhead
 */
export interface Gradient2Limit extends Limit {
  /** The unrounded estimate. */
  readonly estimate: number;
  /** The last sample's RTT. */
  readonly shortRttMs: number;
  /** The long-term RTT average. */
  readonly longRttMs: number;
}

class Gradient2 implements Gradient2Limit {
  estimate: number;
  shortRttMs = 0;
  private readonly longRtt: WarmedEma;

  constructor(
    private readonly minLimit: number,
    private readonly maxLimit: number,
    private readonly smoothing: number,
    private readonly queueSize: (limit: number) => number,
    initial: number,
    longWindow: number,
    warmupWindow: number,
  ) {
    this.estimate = initial;
    this.longRtt = new WarmedEma(longWindow, warmupWindow);
  }

  get current(): number {
    return Math.max(1, Math.floor(this.estimate));
  }

  get longRttMs(): number {
    return this.longRtt.value;
  }

  update({ rttMs, inflight }: LimitSample): number {
    // A zero RTT (a synchronous call on a virtual clock) carries no latency signal.
    if (!(rttMs > 0)) return this.current;
    const queue = this.queueSize(this.current);
    this.shortRttMs = rttMs;
    const longRtt = this.longRtt.add(rttMs);
    // After a long overload the baseline lags far above current latency; decay it rather
    // than wait for the EMA, so the limit can recover.
    if (longRtt / rttMs > 2) this.longRtt.value *= 0.9;
    // Application limited: too little traffic to learn anything about capacity.
    if (inflight < this.estimate / 2) return this.current;
    const gradient = Math.max(0.5, Math.min(1, longRtt / rttMs));
    const target = this.estimate * gradient + queue;
    const smoothed = this.estimate * (1 - this.smoothing) + target * this.smoothing;
    this.estimate = Math.max(this.minLimit, Math.min(this.maxLimit, smoothed));
    return this.current;
  }
}

/**
 * A latency-gradient limit after Netflix concurrency-limits' `Gradient2Limit`: it compares the
 * latest RTT (short) with a long exponential average (long), and on each sample sets
 * `gradient = clamp(long/short, 0.5, 1)` and
 * `limit = limit·(1−smoothing) + (limit·gradient + queueSize)·smoothing`, within the bounds.
 * Rising latency (queueing downstream) shrinks the limit; flat latency lets it grow by about
 * `queueSize·smoothing` per sample. It does not grow while fewer than half the permits are
 * in use, and it decays the long average by 10% whenever it exceeds twice the short one so
 * that it recovers promptly after an overload. It reacts to latency only: drops matter through
 * their RTT, unlike {@link aimd}.
 *
 * Netflix usually feeds it one aggregate per time window; here each call is a sample, which
 * reacts faster and is noisier. Raise `longWindow` or lower `smoothing` for a calmer limit.
 *
 * @example
 * ```ts
 * import { adaptiveBulkhead, gradient2 } from '@keel/core/bulkhead';
 * const pool = adaptiveBulkhead(gradient2({ initialLimit: 20, maxLimit: 100 }), { maxQueue: 50 });
 * await pool.execute(() => 'ok');
 * ```
 * @category Bulkhead
 */
export function gradient2(options: Gradient2Options = {}): Gradient2Limit {
  checkKnownKeys('gradient2', options, KNOWN);
  const d = DEFAULT_GRADIENT2_OPTIONS;
  const minLimit = check.integer('gradient2.minLimit', options.minLimit, d.minLimit, { min: 1 });
  const maxLimit = check.integer('gradient2.maxLimit', options.maxLimit, d.maxLimit, { min: 1 });
  const initial = check.integer('gradient2.initialLimit', options.initialLimit, d.initialLimit, { min: 1 });
  checkLimitBounds('gradient2', minLimit, maxLimit, initial);
  const smoothing = check.number('gradient2.smoothing', options.smoothing, d.smoothing, { above: 0, max: 1 });
  const longWindow = check.integer('gradient2.longWindow', options.longWindow, d.longWindow, { min: 1 });
  const warmup = check.integer('gradient2.warmupWindow', options.warmupWindow, d.warmupWindow, { min: 0 });
  const rawQueue = options.queueSize ?? d.queueSize;
  let queueSize: (limit: number) => number;
  if (typeof rawQueue === 'function') {
    queueSize = rawQueue;
  } else if (typeof rawQueue === 'number') {
    const fixed = check.number('gradient2.queueSize', rawQueue, d.queueSize, { min: 0 });
    queueSize = () => fixed;
  } else {
    throw new InvalidOptionError('gradient2.queueSize', rawQueue, 'a number >= 0 or a function');
  }
  return new Gradient2(minLimit, maxLimit, smoothing, queueSize, initial, longWindow, warmup);
}
