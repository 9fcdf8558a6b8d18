import { check, checkKnownKeys } from '../../options/index.js';

/**
 * Computes how long the circuit stays open. `openings` counts the consecutive openings since
 * the circuit was last closed: 1 for the first trip, 2 when the first half-open probe failed,
 * and so on. A result that is not a number >= 0 falls back to `breakDurationMs`.
 * @example
 * ```ts
 * import { circuitBreaker, type BreakDurationGenerator } from '@keel/core/circuit-breaker';
 * const linear: BreakDurationGenerator = (openings) => openings * 2_000;
 * const breaker = circuitBreaker({ breakDuration: linear });
 * ```
 * @category Circuit breaker
 */
export type BreakDurationGenerator = (openings: number) => number;

/**
 * Options of {@link exponentialBreakDuration}.
 * @example
 * ```ts
 * import { exponentialBreakDuration, type ExponentialBreakDurationOptions } from '@keel/core/circuit-breaker';
 * const options: ExponentialBreakDurationOptions = { initialMs: 1_000, factor: 3 };
 * const next = exponentialBreakDuration(options);
 * ```
 * @category Circuit breaker
 */
export interface ExponentialBreakDurationOptions {
  /** Break after the first opening, in milliseconds. @default 5000 */
  readonly initialMs?: number;
  /** Growth per consecutive opening. @default 2 */
  readonly factor?: number;
  /** Upper bound of the break. @default 300000 */
  readonly maxMs?: number;
}

/**
 * Defaults of {@link exponentialBreakDuration}: Polly's 5 s break, doubling up to 5 minutes.
 * @example
 * ```ts
 * import { DEFAULT_EXPONENTIAL_BREAK_DURATION_OPTIONS } from '@keel/core/circuit-breaker';
 * console.log(DEFAULT_EXPONENTIAL_BREAK_DURATION_OPTIONS.maxMs); // 300000
 * ```
 * @category Circuit breaker
 */
export const DEFAULT_EXPONENTIAL_BREAK_DURATION_OPTIONS = {
  initialMs: 5_000,
  factor: 2,
  maxMs: 300_000,
} as const;

/**
 * A break duration that grows while the dependency keeps failing its probes:
 * `min(maxMs, initialMs * factor^(openings - 1))`. It returns to `initialMs` once the circuit closes.
 *
 * @example
 * ```ts
 * import { circuitBreaker, exponentialBreakDuration } from '@keel/core/circuit-breaker';
 * const breaker = circuitBreaker({ breakDuration: exponentialBreakDuration({ initialMs: 1_000, maxMs: 60_000 }) });
 * ```
 * @category Circuit breaker
 */
export function exponentialBreakDuration(
  options: ExponentialBreakDurationOptions = {},
): BreakDurationGenerator {
  checkKnownKeys(
    'exponentialBreakDuration',
    options,
    Object.keys(DEFAULT_EXPONENTIAL_BREAK_DURATION_OPTIONS),
  );
  const d = DEFAULT_EXPONENTIAL_BREAK_DURATION_OPTIONS;
  const initialMs = check.duration('initialMs', options.initialMs, d.initialMs);
  const factor = check.number('factor', options.factor, d.factor, { min: 1 });
  const maxMs = check.duration('maxMs', options.maxMs, d.maxMs, { min: initialMs, allowInfinity: true });
  return (openings) => Math.min(maxMs, initialMs * factor ** Math.max(0, openings - 1));
}
