import { InvalidOptionError } from '../../../errors/index.js';
import { check, checkKnownKeys } from '../../../options/index.js';
import { checkRateThresholds, rateThresholdReached } from './rate-thresholds.js';
import { type TripMetrics, type TripPolicy, type TripPolicySnapshot, tripMetrics } from './trip-policy.js';

/**
 * Options of {@link countWindow}. Rates are ratios in [0, 1] (resilience4j states them in percent).
 * @example
 * ```ts
 * import { countWindow, type CountWindowOptions } from '@keel/core/circuit-breaker';
 * const options: CountWindowOptions = { size: 50, minimumCalls: 20 };
 * const policy = countWindow(options);
 * ```
 * @category Circuit breaker
 */
export interface CountWindowOptions {
  /** How many of the most recent calls the window holds. @default 100 */
  readonly size?: number;
  /** Calls the window must hold before any rate can open the circuit; at most `size`. @default 100 (or `size` when smaller) */
  readonly minimumCalls?: number;
  /** Failure rate at or above which the circuit opens, in (0, 1]. @default 0.5 */
  readonly failureRateThreshold?: number;
  /** A call that takes longer than this is slow; `Infinity` turns slow-call counting off. @default Infinity */
  readonly slowCallDurationMs?: number;
  /** Slow-call rate at or above which the circuit opens, in (0, 1]. @default 1 */
  readonly slowCallRateThreshold?: number;
}

/**
 * Defaults of {@link countWindow}: resilience4j's COUNT_BASED window (100 calls, 100 minimum,
 * 50 %), except that slow-call counting is off until `slowCallDurationMs` is set (resilience4j
 * defaults it to 60 s at a 100 % rate).
 * @example
 * ```ts
 * import { DEFAULT_COUNT_WINDOW_OPTIONS } from '@keel/core/circuit-breaker';
 * console.log(DEFAULT_COUNT_WINDOW_OPTIONS.failureRateThreshold); // 0.5
 * ```
 * @category Circuit breaker
 */
export const DEFAULT_COUNT_WINDOW_OPTIONS = {
  size: 100,
  minimumCalls: 100,
  failureRateThreshold: 0.5,
  slowCallDurationMs: Number.POSITIVE_INFINITY,
  slowCallRateThreshold: 1,
} as const;

const KNOWN = Object.keys(DEFAULT_COUNT_WINDOW_OPTIONS);
const FAILED = 1;
const SLOW = 2;

/**
 * Opens the circuit when, among the last `size` calls, the failure rate or the slow-call rate
 * reaches its threshold, provided at least `minimumCalls` were counted.
 *
 * The window is a ring of one byte per call, allocated on the first counted call; running
 * totals are kept by adding the new entry and subtracting the one it evicts, so reading the
 * rates is O(1) (the technique resilience4j's fixed-size window uses).
 * @example
 * ```ts
 * import { circuitBreaker, CountWindow } from '@keel/core/circuit-breaker';
 * const breaker = circuitBreaker({ breaker: new CountWindow({ size: 20, minimumCalls: 10 }) });
 * ```
 * @category Circuit breaker
 */
export class CountWindow implements TripPolicy {
  readonly kind = 'count-window';
  readonly usesTime = false;
  readonly usesDuration: boolean;
  readonly size: number;
  readonly minimumCalls: number;
  readonly failureRateThreshold: number;
  readonly slowCallDurationMs: number;
  readonly slowCallRateThreshold: number;
  private ring: Uint8Array | undefined;
  private head = 0;
  private calls = 0;
  private failures = 0;
  private slowCalls = 0;

  constructor(options: CountWindowOptions = {}) {
    checkKnownKeys('countWindow', options, KNOWN);
    const d = DEFAULT_COUNT_WINDOW_OPTIONS;
    this.size = check.integer('size', options.size, d.size, { min: 1, max: 1 << 24 });
    this.minimumCalls = check.integer(
      'minimumCalls',
      options.minimumCalls,
      Math.min(d.minimumCalls, this.size),
      {
        min: 1,
        max: this.size,
      },
    );
    const rates = checkRateThresholds(options, d);
    this.failureRateThreshold = rates.failureRateThreshold;
    this.slowCallDurationMs = rates.slowCallDurationMs;
    this.slowCallRateThreshold = rates.slowCallRateThreshold;
    this.usesDuration = this.slowCallDurationMs !== Number.POSITIVE_INFINITY;
  }

  success(durationMs: number): boolean {
    if (durationMs > this.slowCallDurationMs) {
      this.record(SLOW);
      return this.shouldOpen();
    }
    this.record(0);
    return false;
  }

  failure(durationMs: number): boolean {
    this.record(durationMs > this.slowCallDurationMs ? FAILED | SLOW : FAILED);
    return this.shouldOpen();
  }

  reset(): void {
    // Keep the buffer; only the totals and the fill level say what it holds.
    this.head = 0;
    this.calls = 0;
    this.failures = 0;
    this.slowCalls = 0;
  }

  metrics(): TripMetrics {
    return tripMetrics(this.calls, this.failures, this.slowCalls);
  }

  toJSON(): TripPolicySnapshot {
    return { kind: this.kind, outcomes: this.outcomes() };
  }

  hydrate(snapshot: TripPolicySnapshot, _now: number, field: string): void {
    const outcomes = snapshot['outcomes'];
    if (!Array.isArray(outcomes) || !outcomes.every((o) => o === 0 || o === 1 || o === 2 || o === 3))
      throw new InvalidOptionError(`${field}.outcomes`, outcomes, 'an array of outcome codes 0 to 3');
    this.reset();
    // A snapshot from a window of another size keeps its most recent calls.
    for (const code of outcomes.slice(Math.max(0, outcomes.length - this.size))) this.record(code);
  }

  /** Counted calls oldest first: bit 1 failed, bit 2 slow. */
  private outcomes(): number[] {
    const ring = this.ring;
    if (ring === undefined || this.calls === 0) return [];
    const out: number[] = [];
    const start = this.calls < this.size ? 0 : this.head;
    for (let i = 0; i < this.calls; i++) out.push(ring[(start + i) % this.size]!);
    return out;
  }

  private record(code: number): void {
    let ring = this.ring;
    if (ring === undefined) ring = this.ring = new Uint8Array(this.size);
    if (this.calls === this.size) {
      const evicted = ring[this.head]!;
      this.failures -= evicted & FAILED;
      this.slowCalls -= evicted >> 1;
    } else {
      this.calls++;
    }
    ring[this.head] = code;
    this.failures += code & FAILED;
    this.slowCalls += code >> 1;
    if (++this.head === this.size) this.head = 0;
  }

  private shouldOpen(): boolean {
    return rateThresholdReached(this, this.minimumCalls, this.calls, this.failures, this.slowCalls);
  }
}

/**
 * A policy that opens the circuit when the failure rate (or slow-call rate) over the last
 * `size` calls reaches its threshold.
 *
 * @example
 * ```ts
 * import { circuitBreaker, countWindow } from '@keel/core/circuit-breaker';
 * const breaker = circuitBreaker({
 *   breaker: countWindow({ size: 20, minimumCalls: 10, failureRateThreshold: 0.5, slowCallDurationMs: 2_000 }),
 * });
 * ```
 * @category Circuit breaker
 */
export function countWindow(options?: CountWindowOptions): CountWindow {
  return new CountWindow(options);
}
