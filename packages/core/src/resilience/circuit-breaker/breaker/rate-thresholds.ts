import { check } from '../../../options/index.js';

/** The rate settings the windowed trip policies share: what a slow call is, and the rates that open. */
export interface RateThresholds {
  readonly failureRateThreshold: number;
  readonly slowCallDurationMs: number;
  readonly slowCallRateThreshold: number;
}

/**
 * Validates the rate settings against `defaults`: both rates in (0, 1], the slow-call duration a
 * duration or `Infinity` (slow-call counting off).
 * @internal
 */
export function checkRateThresholds(
  options: { readonly [K in keyof RateThresholds]?: number },
  defaults: RateThresholds,
): RateThresholds {
  return {
    failureRateThreshold: check.ratio(
      'failureRateThreshold',
      options.failureRateThreshold,
      defaults.failureRateThreshold,
      { min: undefined, above: 0 },
    ),
    slowCallDurationMs: check.duration(
      'slowCallDurationMs',
      options.slowCallDurationMs,
      defaults.slowCallDurationMs,
      { allowInfinity: true },
    ),
    slowCallRateThreshold: check.ratio(
      'slowCallRateThreshold',
      options.slowCallRateThreshold,
      defaults.slowCallRateThreshold,
      { min: undefined, above: 0 },
    ),
  };
}

/**
 * True when at least `minimumCalls` were counted and the failure or the slow-call rate reaches its threshold.
 * @internal
 */
export function rateThresholdReached(
  thresholds: RateThresholds,
  minimumCalls: number,
  calls: number,
  failures: number,
  slowCalls: number,
): boolean {
  return (
    calls >= minimumCalls &&
    (failures / calls >= thresholds.failureRateThreshold ||
      slowCalls / calls >= thresholds.slowCallRateThreshold)
  );
}
