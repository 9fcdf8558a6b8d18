/**
 * The outcome of one attempt to take `cost` units from a rate limit.
 * @category Rate limiter
 */
export interface RateLimitDecision {
  /** True when the units were taken. */
  readonly allowed: boolean;
  /** Whole units still available after this attempt (never negative). */
  readonly remaining: number;
  /** The quota: the most units available at once. */
  readonly limit: number;
  /** Milliseconds until the full quota is available again (0 when it already is). */
  readonly resetMs: number;
  /**
   * 0 when allowed; otherwise milliseconds until the same cost would be allowed, or
   * `Infinity` when it never will (the cost exceeds the quota).
   */
  readonly retryAfterMs: number;
}

/**
 * The per-key bookkeeping of one rate-limiting algorithm. Implementations are pure state
 * machines over time supplied by the caller, so a keyed limiter (or a test) drives them.
 * @category Rate limiter
 */
export interface RateLimitAlgorithm<State> {
  /** A short name such as `token-bucket`. */
  readonly name: string;
  /** The quota: the most units available at once. */
  readonly limit: number;
  /** The period over which the quota is replenished, in milliseconds (for headers). */
  readonly windowMs: number;
  /** State for a key seen for the first time at `now`: the full quota. */
  create(now: number): State;
  /** Takes `cost` units at `now` if possible, updating `state` only when allowed. */
  consume(state: State, now: number, cost: number): RateLimitDecision;
  /** True when `state` is back to the full quota at `now`, so forgetting it changes nothing. */
  idle(state: State, now: number): boolean;
}

/** @internal Tolerance for floating-point drift in unit and time arithmetic. */
export const EPSILON = 1e-9;

/** @internal Rounds a non-negative duration up to whole milliseconds, ignoring floating-point dust. */
export function ceilMs(ms: number): number {
  return ms <= EPSILON ? 0 : Math.ceil(ms - EPSILON);
}

/** @internal Rounds a unit count down, ignoring floating-point dust, never below 0. */
export function floorUnits(units: number): number {
  return Math.max(0, Math.floor(units + EPSILON));
}
