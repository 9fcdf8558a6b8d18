/**
 * Counters a trip policy reports for monitoring. Rates are `NaN` when no call has been counted.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * const { calls, failureRate } = circuitBreaker().metrics;
 * console.log(calls, failureRate);
 * ```
 * @category Circuit breaker
 */
export interface TripMetrics {
  /** Calls currently counted (in the window, or since the last success for consecutive counting). */
  readonly calls: number;
  /** Of those, the failures. */
  readonly failures: number;
  /** Of those, the calls slower than the slow-call threshold (successful or not). */
  readonly slowCalls: number;
  /** `failures / calls`. */
  readonly failureRate: number;
  /** `slowCalls / calls`. */
  readonly slowCallRate: number;
}

/**
 * A plain, JSON-safe picture of a trip policy's counters; `kind` names the policy that made it.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * console.log(circuitBreaker().toJSON().breaker.kind); // 'consecutive'
 * ```
 * @category Circuit breaker
 */
export interface TripPolicySnapshot {
  readonly kind: string;
  readonly [field: string]: unknown;
}

/**
 * Decides when a closed circuit should open. The circuit breaker reports every counted call
 * made while closed; the policy answers whether that call tips the balance.
 *
 * One instance belongs to one circuit (it holds that circuit's counters); a circuit refuses a
 * policy another circuit already uses. Implementations keep `success` and `failure` cheap: they
 * run on every call.
 *
 * @example
 * ```ts
 * import { circuitBreaker, type TripPolicy } from '@keel/core/circuit-breaker';
 * // Opens on the first failure: a policy written by hand.
 * class FirstFailure implements TripPolicy {
 *   readonly kind = 'first-failure';
 *   readonly usesDuration = false;
 *   readonly usesTime = false;
 *   private failed = 0;
 *   success() { return false; }
 *   failure() { this.failed = 1; return true; }
 *   reset() { this.failed = 0; }
 *   metrics() {
 *     return { calls: this.failed, failures: this.failed, slowCalls: 0, failureRate: this.failed, slowCallRate: 0 };
 *   }
 *   toJSON() { return { kind: this.kind, failed: this.failed }; }
 *   hydrate() { this.failed = 0; }
 * }
 * const breaker = circuitBreaker({ breaker: new FirstFailure() });
 * ```
 * @category Circuit breaker
 */
export interface TripPolicy {
  /** Names the policy; snapshots carry it so a snapshot is only restored into the same kind. */
  readonly kind: string;
  /** True when the policy looks at call durations (slow-call detection); the circuit then times calls. */
  readonly usesDuration: boolean;
  /** True when the policy needs the clock reading of each outcome (time windows). */
  readonly usesTime: boolean;
  /**
   * Counts a successful call made while closed. Returns true when the circuit should open
   * (a success can trip a policy that counts slow calls).
   * @param durationMs how long the call took; `NaN` when the call was not timed.
   * @param now the clock reading when it finished (`0` unless `usesTime`).
   */
  success(durationMs: number, now: number): boolean;
  /** Counts a failed call made while closed. Returns true when the circuit should open. */
  failure(durationMs: number, now: number): boolean;
  /** Forgets every counted call; the circuit calls this each time it closes. */
  reset(): void;
  /** The counters as seen at `now`. */
  metrics(now: number): TripMetrics;
  /** A JSON-safe snapshot of the counters at `now`. */
  toJSON(now: number): TripPolicySnapshot;
  /**
   * Restores counters from a snapshot taken by the same kind of policy, `now` being the
   * reading of this circuit's clock. Throws `InvalidOptionError` naming `${field}.<name>` for a
   * malformed snapshot.
   */
  hydrate(snapshot: TripPolicySnapshot, now: number, field: string): void;
}

/** @internal Rates over `calls`, `NaN` for an empty count. */
export function tripMetrics(calls: number, failures: number, slowCalls: number): TripMetrics {
  return {
    calls,
    failures,
    slowCalls,
    failureRate: calls === 0 ? Number.NaN : failures / calls,
    slowCallRate: calls === 0 ? Number.NaN : slowCalls / calls,
  };
}
