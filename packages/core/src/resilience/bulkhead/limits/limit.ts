import { InvalidOptionError } from '../../../errors/index.js';

/**
 * One completed call, as seen by an adaptive {@link Limit}.
 * @category Bulkhead
 */
export interface LimitSample {
  /** How long the call took, in milliseconds on the bulkhead's clock. */
  readonly rttMs: number;
  /** Calls executing when this one started, itself included. */
  readonly inflight: number;
  /** True when the call was dropped: it timed out or the downstream shed it. */
  readonly didDrop: boolean;
}

/**
 * An adaptive concurrency limit: fed one {@link LimitSample} per completed call, it keeps an
 * estimate of how many calls may run at once. Implementations: {@link aimd}, {@link gradient2},
 * {@link vegas}. A `Limit` holds state, so give each bulkhead its own instance.
 *
 * @example
 * ```ts
 * import { aimd } from '@keel/core/bulkhead';
 * const limit = aimd({ initialLimit: 10 });
 * limit.update({ rttMs: 12, inflight: 10, didDrop: false });
 * console.log(limit.current); // 11
 * ```
 * @category Bulkhead
 */
export interface Limit {
  /** The current limit: an integer of at least 1. */
  readonly current: number;
  /** Feeds one sample and returns the (possibly) new {@link Limit.current}. */
  update(sample: LimitSample): number;
}

/** @internal Validates that `minLimit <= initialLimit <= maxLimit` (each already checked on its own). */
export function checkLimitBounds(scope: string, min: number, max: number, initial: number): void {
  if (max < min) throw new InvalidOptionError(`${scope}.maxLimit`, max, `an integer >= minLimit (${min})`);
  if (initial < min || initial > max)
    throw new InvalidOptionError(`${scope}.initialLimit`, initial, `an integer in [${min}, ${max}]`);
}

/**
 * `max(1, floor(log10(limit)))`: the slowly growing step that Vegas uses for its thresholds
 * and increments, so that large limits move in proportionally smaller steps.
 * @example
 * ```ts
 * import { log10Step } from '@keel/core/bulkhead';
 * console.log(log10Step(250)); // 2
 * ```
 * @category Bulkhead
 */
export function log10Step(limit: number): number {
  return Math.max(1, Math.floor(Math.log10(Math.max(1, limit))));
}
