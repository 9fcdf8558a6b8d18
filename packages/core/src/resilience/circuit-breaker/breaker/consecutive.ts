import { InvalidOptionError } from '../../../errors/index.js';
import { check } from '../../../options/index.js';
import { type TripMetrics, type TripPolicy, type TripPolicySnapshot, tripMetrics } from './trip-policy.js';

/**
 * Failures in a row that open the circuit when no threshold is given (Polly's classic
 * breaker and cockatiel's `ConsecutiveBreaker` leave it to the caller; 5 is a common choice).
 * @example
 * ```ts
 * import { DEFAULT_CONSECUTIVE_FAILURES } from '@keel/core/circuit-breaker';
 * console.log(DEFAULT_CONSECUTIVE_FAILURES); // 5
 * ```
 * @category Circuit breaker
 */
export const DEFAULT_CONSECUTIVE_FAILURES = 5;

/**
 * Opens the circuit after `threshold` failures in a row; any success starts the count again.
 * Simple, and right for low or uneven traffic; under heavy traffic a failure *rate* is steadier
 * (see {@link countWindow} and {@link timeWindow}).
 * @example
 * ```ts
 * import { circuitBreaker, ConsecutiveFailures } from '@keel/core/circuit-breaker';
 * const breaker = circuitBreaker({ breaker: new ConsecutiveFailures(3) });
 * ```
 * @category Circuit breaker
 */
export class ConsecutiveFailures implements TripPolicy {
  readonly kind = 'consecutive';
  readonly usesDuration = false;
  readonly usesTime = false;
  private failures = 0;

  /** @param threshold failures in a row that open the circuit, an integer >= 1. */
  constructor(readonly threshold: number = DEFAULT_CONSECUTIVE_FAILURES) {
    check.integer('threshold', threshold, DEFAULT_CONSECUTIVE_FAILURES, { min: 1 });
  }

  success(): boolean {
    this.failures = 0;
    return false;
  }

  failure(): boolean {
    return ++this.failures >= this.threshold;
  }

  reset(): void {
    this.failures = 0;
  }

  metrics(): TripMetrics {
    return tripMetrics(this.failures, this.failures, 0);
  }

  toJSON(): TripPolicySnapshot {
    return { kind: this.kind, failures: this.failures };
  }

  hydrate(snapshot: TripPolicySnapshot, _now: number, field: string): void {
    const failures = snapshot['failures'];
    if (typeof failures !== 'number' || !Number.isInteger(failures) || failures < 0)
      throw new InvalidOptionError(`${field}.failures`, failures, 'an integer >= 0');
    this.failures = failures;
  }
}

/**
 * A policy that opens the circuit after `threshold` failures in a row.
 *
 * @param threshold an integer >= 1. @default 5
 * @example
 * ```ts
 * import { circuitBreaker, consecutiveFailures } from '@keel/core/circuit-breaker';
 * const breaker = circuitBreaker({ breaker: consecutiveFailures(3) });
 * ```
 * @category Circuit breaker
 */
export function consecutiveFailures(threshold: number = DEFAULT_CONSECUTIVE_FAILURES): ConsecutiveFailures {
  return new ConsecutiveFailures(threshold);
}
