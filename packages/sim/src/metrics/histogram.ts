import { InvalidOptionError } from '@keel/core/errors';

/**
 * Summary of a {@link Histogram}: exact count, sum, min, max and mean; percentiles within the
 * histogram's relative error.
 * @category Metrics
 */
export interface HistogramSummary {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
}

/**
 * Default relative error of {@link Histogram}: 1%.
 * @example
 * ```ts
 * import { DEFAULT_HISTOGRAM_RELATIVE_ERROR } from '@keel/sim';
 * console.log(DEFAULT_HISTOGRAM_RELATIVE_ERROR);
 * ```
 * @category Metrics
 */
export const DEFAULT_HISTOGRAM_RELATIVE_ERROR = 0.01;

/**
 * A mergeable histogram with logarithmic buckets, so every quantile it reports is within a
 * fixed relative error of the true sample quantile (the bucketing of DDSketch, Masson, Rim and
 * Lee, VLDB 2019): bucket `i` holds values in `(g^(i-1), g^i]` with `g = (1 + e) / (1 - e)`,
 * and reports `2 g^i / (g + 1)`. Values `<= 0` are counted in a zero bucket and reported as 0. Count, sum, min
 * and max are exact.
 *
 * Quantiles use the nearest-rank definition: `quantile(q)` estimates the value of rank
 * `ceil(q * count)` in sorted order.
 *
 * @example
 * ```ts
 * import { Histogram } from '@keel/sim';
 * const h = new Histogram();
 * for (let ms = 1; ms <= 1000; ms++) h.record(ms);
 * console.log(h.quantile(0.99)); // within 1% of 990
 * ```
 * @category Metrics
 */
export class Histogram {
  /** Guaranteed bound on the relative error of quantiles. */
  readonly relativeError: number;
  private readonly logGamma: number;
  private readonly gamma: number;
  private counts = new Float64Array(64);
  /** Bucket index stored at counts[0]. */
  private offset = 0;
  private used = false;
  private zeros = 0;
  private total = 0;
  private sumOfValues = 0;
  private minValue = Number.POSITIVE_INFINITY;
  private maxValue = Number.NEGATIVE_INFINITY;

  /** @param relativeError bound on quantile error, in (0, 0.5). @default 0.01 */
  constructor(relativeError = DEFAULT_HISTOGRAM_RELATIVE_ERROR) {
    if (typeof relativeError !== 'number' || !(relativeError > 0 && relativeError < 0.5))
      throw new InvalidOptionError('relativeError', relativeError, 'a number > 0 and < 0.5');
    this.relativeError = relativeError;
    this.gamma = (1 + relativeError) / (1 - relativeError);
    this.logGamma = Math.log(this.gamma);
  }

  /** Number of recorded values. */
  get count(): number {
    return this.total;
  }

  /** Sum of recorded values. */
  get sum(): number {
    return this.sumOfValues;
  }

  /** Smallest recorded value (Infinity when empty). */
  get min(): number {
    return this.minValue;
  }

  /** Largest recorded value (-Infinity when empty). */
  get max(): number {
    return this.maxValue;
  }

  /** Mean of recorded values (NaN when empty). */
  get mean(): number {
    return this.total === 0 ? Number.NaN : this.sumOfValues / this.total;
  }

  /** Records `value` `times` times. NaN and infinite values are ignored. */
  record(value: number, times = 1): void {
    if (!Number.isFinite(value) || !(times > 0)) return;
    this.total += times;
    this.sumOfValues += value * times;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
    if (value <= 0) {
      this.zeros += times;
      return;
    }
    this.add(Math.ceil(Math.log(value) / this.logGamma), times);
  }

  /**
   * Estimates the value of rank `ceil(q * count)`, within `relativeError` of it. NaN when
   * empty.
   */
  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * this.total));
    let seen = this.zeros;
    if (seen >= rank) return 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      if (seen >= rank) {
        const estimate = (2 * Math.exp((i + this.offset) * this.logGamma)) / (this.gamma + 1);
        // The true value lies within [min, max], so clamping can only bring the estimate closer.
        return Math.min(this.maxValue, Math.max(this.minValue, estimate));
      }
    }
    return this.maxValue;
  }

  /** Adds every value of `other` (which must have the same relative error) to this one. */
  merge(other: Histogram): this {
    if (other.relativeError !== this.relativeError)
      throw new InvalidOptionError('other.relativeError', other.relativeError, `${this.relativeError}`);
    if (other.total === 0) return this;
    this.total += other.total;
    this.sumOfValues += other.sumOfValues;
    this.zeros += other.zeros;
    if (other.minValue < this.minValue) this.minValue = other.minValue;
    if (other.maxValue > this.maxValue) this.maxValue = other.maxValue;
    if (other.used) {
      const counts = other.counts;
      for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) this.add(i + other.offset, counts[i]!);
    }
    return this;
  }

  /** Count, mean, min, max and the usual percentiles. */
  summary(): HistogramSummary {
    const empty = this.total === 0;
    return {
      count: this.total,
      mean: this.mean,
      min: empty ? Number.NaN : this.minValue,
      max: empty ? Number.NaN : this.maxValue,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      p999: this.quantile(0.999),
    };
  }

  /** Forgets every value. */
  reset(): void {
    this.counts.fill(0);
    this.used = false;
    this.zeros = 0;
    this.total = 0;
    this.sumOfValues = 0;
    this.minValue = Number.POSITIVE_INFINITY;
    this.maxValue = Number.NEGATIVE_INFINITY;
  }

  private add(index: number, times: number): void {
    if (!this.used) {
      this.used = true;
      this.offset = index - (this.counts.length >> 1);
    }
    let at = index - this.offset;
    if (at < 0 || at >= this.counts.length) at = this.growToFit(index);
    this.counts[at]! += times;
  }

  private growToFit(index: number): number {
    const low = Math.min(index, this.offset);
    const high = Math.max(index, this.offset + this.counts.length - 1);
    let size = this.counts.length;
    while (size < high - low + 1) size *= 2;
    // Leave headroom on the side that grew, since latencies drift slowly.
    const slack = size - (high - low + 1);
    const newOffset = index < this.offset ? low - slack : low;
    const counts = new Float64Array(size);
    counts.set(this.counts, this.offset - newOffset);
    this.counts = counts;
    this.offset = newOffset;
    return index - newOffset;
  }
}
