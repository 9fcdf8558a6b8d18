import { InvalidOptionError } from '../../../errors/index.js';
import { check, checkKnownKeys } from '../../../options/index.js';
import { checkRateThresholds, rateThresholdReached } from './rate-thresholds.js';
import { type TripMetrics, type TripPolicy, type TripPolicySnapshot, tripMetrics } from './trip-policy.js';

/**
 * Options of {@link timeWindow}. Rates are ratios in [0, 1].
 * @example
 * ```ts
 * import { timeWindow, type TimeWindowOptions } from '@keel/core/circuit-breaker';
 * const options: TimeWindowOptions = { samplingDurationMs: 60_000, minimumThroughput: 50 };
 * const policy = timeWindow(options);
 * ```
 * @category Circuit breaker
 */
export interface TimeWindowOptions {
  /** Length of the sliding window in milliseconds. @default 30000 */
  readonly samplingDurationMs?: number;
  /** Calls the window must hold before any rate can open the circuit. @default 100 */
  readonly minimumThroughput?: number;
  /** Failure rate at or above which the circuit opens, in (0, 1]. @default 0.1 */
  readonly failureRateThreshold?: number;
  /** How many buckets the window is cut into; more buckets slide more smoothly. @default 10 */
  readonly buckets?: number;
  /** A call that takes longer than this is slow; `Infinity` turns slow-call counting off. @default Infinity */
  readonly slowCallDurationMs?: number;
  /** Slow-call rate at or above which the circuit opens, in (0, 1]. @default 1 */
  readonly slowCallRateThreshold?: number;
}

/**
 * Defaults of {@link timeWindow}: Polly v8's circuit breaker (failure ratio 0.1, minimum
 * throughput 100, sampling duration 30 s) with Polly's ten windows per sampling duration.
 * @example
 * ```ts
 * import { DEFAULT_TIME_WINDOW_OPTIONS } from '@keel/core/circuit-breaker';
 * console.log(DEFAULT_TIME_WINDOW_OPTIONS.samplingDurationMs); // 30000
 * ```
 * @category Circuit breaker
 */
export const DEFAULT_TIME_WINDOW_OPTIONS = {
  samplingDurationMs: 30_000,
  minimumThroughput: 100,
  failureRateThreshold: 0.1,
  buckets: 10,
  slowCallDurationMs: Number.POSITIVE_INFINITY,
  slowCallRateThreshold: 1,
} as const;

const KNOWN = Object.keys(DEFAULT_TIME_WINDOW_OPTIONS);
// Per bucket: the bucket's index on the time axis, then calls, failures and slow calls.
const STRIDE = 4;

/**
 * Opens the circuit when, over the last `samplingDurationMs`, the failure rate or the
 * slow-call rate reaches its threshold, provided at least `minimumThroughput` calls were counted.
 *
 * The window is `buckets` buckets of `samplingDurationMs / buckets` each, allocated on the first
 * counted call. Moving to a new bucket subtracts the expired buckets from running totals, so
 * reading the rates is O(1) and sliding costs at most one pass over the buckets.
 * @example
 * ```ts
 * import { circuitBreaker, TimeWindow } from '@keel/core/circuit-breaker';
 * const breaker = circuitBreaker({ breaker: new TimeWindow({ samplingDurationMs: 10_000, minimumThroughput: 20 }) });
 * ```
 * @category Circuit breaker
 */
export class TimeWindow implements TripPolicy {
  readonly kind = 'time-window';
  readonly usesTime = true;
  readonly usesDuration: boolean;
  readonly samplingDurationMs: number;
  readonly minimumThroughput: number;
  readonly failureRateThreshold: number;
  readonly buckets: number;
  readonly slowCallDurationMs: number;
  readonly slowCallRateThreshold: number;
  private readonly bucketMs: number;
  private data: Float64Array | undefined;
  private current = Number.NEGATIVE_INFINITY;
  private calls = 0;
  private failures = 0;
  private slowCalls = 0;

  constructor(options: TimeWindowOptions = {}) {
    checkKnownKeys('timeWindow', options, KNOWN);
    const d = DEFAULT_TIME_WINDOW_OPTIONS;
    this.samplingDurationMs = check.duration(
      'samplingDurationMs',
      options.samplingDurationMs,
      d.samplingDurationMs,
      {
        min: undefined,
        above: 0,
      },
    );
    this.minimumThroughput = check.integer(
      'minimumThroughput',
      options.minimumThroughput,
      d.minimumThroughput,
      {
        min: 1,
      },
    );
    this.buckets = check.integer('buckets', options.buckets, d.buckets, { min: 1, max: 1000 });
    const rates = checkRateThresholds(options, d);
    this.failureRateThreshold = rates.failureRateThreshold;
    this.slowCallDurationMs = rates.slowCallDurationMs;
    this.slowCallRateThreshold = rates.slowCallRateThreshold;
    this.bucketMs = this.samplingDurationMs / this.buckets;
    this.usesDuration = this.slowCallDurationMs !== Number.POSITIVE_INFINITY;
  }

  success(durationMs: number, now: number): boolean {
    const slow = durationMs > this.slowCallDurationMs;
    this.add(now, 1, 0, slow ? 1 : 0);
    return slow && this.shouldOpen();
  }

  failure(durationMs: number, now: number): boolean {
    this.add(now, 1, 1, durationMs > this.slowCallDurationMs ? 1 : 0);
    return this.shouldOpen();
  }

  reset(): void {
    this.data?.fill(0);
    this.current = Number.NEGATIVE_INFINITY;
    this.calls = 0;
    this.failures = 0;
    this.slowCalls = 0;
  }

  metrics(now: number): TripMetrics {
    if (this.calls > 0) this.slide(now);
    return tripMetrics(this.calls, this.failures, this.slowCalls);
  }

  toJSON(now: number): TripPolicySnapshot {
    const buckets: { ageMs: number; calls: number; failures: number; slowCalls: number }[] = [];
    if (this.calls > 0) {
      this.slide(now);
      const data = this.data!;
      for (let at = 0; at < data.length; at += STRIDE) {
        if (data[at + 1] === 0) continue;
        buckets.push({
          ageMs: (this.current - data[at]!) * this.bucketMs,
          calls: data[at + 1]!,
          failures: data[at + 2]!,
          slowCalls: data[at + 3]!,
        });
      }
      buckets.sort((a, b) => b.ageMs - a.ageMs);
    }
    return { kind: this.kind, buckets };
  }

  hydrate(snapshot: TripPolicySnapshot, now: number, field: string): void {
    const buckets = snapshot['buckets'];
    if (!Array.isArray(buckets)) throw new InvalidOptionError(`${field}.buckets`, buckets, 'an array');
    const parsed = buckets.map((bucket, i) => parseBucket(bucket, `${field}.buckets[${i}]`));
    this.reset();
    this.slide(now);
    const data = this.data!;
    for (const bucket of parsed) {
      // Bucket ages count from the newest bucket, so buckets keep their places on any clock.
      const index = this.current - Math.round(bucket.ageMs / this.bucketMs);
      if (index <= this.current - this.buckets || index > this.current) continue;
      const at = this.slot(index);
      data[at + 1]! += bucket.calls;
      data[at + 2]! += bucket.failures;
      data[at + 3]! += bucket.slowCalls;
      this.calls += bucket.calls;
      this.failures += bucket.failures;
      this.slowCalls += bucket.slowCalls;
    }
  }

  private add(now: number, calls: number, failures: number, slowCalls: number): void {
    this.slide(now);
    const at = this.slot(this.current);
    const data = this.data!;
    data[at + 1]! += calls;
    data[at + 2]! += failures;
    data[at + 3]! += slowCalls;
    this.calls += calls;
    this.failures += failures;
    this.slowCalls += slowCalls;
  }

  /** Moves the window so its newest bucket holds `now`, emptying the buckets that expire. */
  private slide(now: number): void {
    const index = Math.floor(now / this.bucketMs);
    if (index <= this.current) return;
    let data = this.data;
    if (data === undefined) data = this.data = new Float64Array(this.buckets * STRIDE);
    for (let i = Math.max(this.current + 1, index - this.buckets + 1); i <= index; i++) {
      const at = this.slot(i);
      this.calls -= data[at + 1]!;
      this.failures -= data[at + 2]!;
      this.slowCalls -= data[at + 3]!;
      data[at] = i;
      data[at + 1] = 0;
      data[at + 2] = 0;
      data[at + 3] = 0;
    }
    this.current = index;
  }

  private slot(index: number): number {
    const b = this.buckets;
    return (((index % b) + b) % b) * STRIDE;
  }

  private shouldOpen(): boolean {
    return rateThresholdReached(this, this.minimumThroughput, this.calls, this.failures, this.slowCalls);
  }
}

interface BucketSnapshot {
  ageMs: number;
  calls: number;
  failures: number;
  slowCalls: number;
}

function parseBucket(value: unknown, field: string): BucketSnapshot {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidOptionError(field, value, 'an object with ageMs, calls, failures and slowCalls');
  const bucket = value as Record<string, unknown>;
  const ageMs = bucket['ageMs'];
  if (typeof ageMs !== 'number' || !Number.isFinite(ageMs))
    throw new InvalidOptionError(`${field}.ageMs`, ageMs, 'a finite number');
  const count = (name: string, max: number): number => {
    const v = bucket[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
      throw new InvalidOptionError(`${field}.${name}`, v, `an integer from 0 to ${max}`);
    return v;
  };
  const calls = count('calls', Number.MAX_SAFE_INTEGER);
  return { ageMs, calls, failures: count('failures', calls), slowCalls: count('slowCalls', calls) };
}

/**
 * A policy that opens the circuit when the failure rate (or slow-call rate) over a sliding
 * span of time reaches its threshold, once the span holds enough calls.
 *
 * @example
 * ```ts
 * import { circuitBreaker, timeWindow } from '@keel/core/circuit-breaker';
 * const breaker = circuitBreaker({
 *   breaker: timeWindow({ samplingDurationMs: 10_000, minimumThroughput: 20, failureRateThreshold: 0.5 }),
 * });
 * ```
 * @category Circuit breaker
 */
export function timeWindow(options?: TimeWindowOptions): TimeWindow {
  return new TimeWindow(options);
}
