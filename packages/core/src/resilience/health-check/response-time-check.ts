import type { Clock } from '../../clock/index.js';
import type { CheckFunction, HealthCheck, HealthCheckOptions } from './health-check.js';

/**
 * What a dependency check that reports its round trip is made of; see {@link responseTimeCheck}.
 * @category Health
 */
export interface ResponseTimeCheckParts {
  /** The shared tuning, as {@link takeHealthCheckOptions} returned it. */
  readonly tuning: HealthCheckOptions;
  /** The component name, such as `redis`. */
  readonly name: string;
  /** `datastore`, `component` or a URI. */
  readonly componentType: string;
  /** Identifies the component instance; left out of the check when undefined. @default undefined */
  readonly componentId?: string | undefined;
  /** The probe; its result's `observedValue` is the round trip in milliseconds. */
  readonly check: CheckFunction;
}

/**
 * A {@link HealthCheck} reported as `<name>:responseTime` in milliseconds: the shape every
 * adapter's readiness check of a server shares, so that reports read alike across them.
 *
 * @example
 * ```ts
 * import { elapsedMs, responseTimeCheck } from '@keel/core/health-check';
 * import { systemClock } from '@keel/core/clock';
 * const ping = async (): Promise<void> => {};
 * const check = responseTimeCheck({
 *   tuning: { timeoutMs: 300 },
 *   name: 'cache',
 *   componentType: 'datastore',
 *   check: async () => {
 *     const started = systemClock.now();
 *     await ping();
 *     return { observedValue: elapsedMs(systemClock, started) };
 *   },
 * });
 * console.log(check.measurement); // 'responseTime'
 * ```
 * @category Health
 */
export function responseTimeCheck(parts: ResponseTimeCheckParts): HealthCheck {
  const { tuning, name, componentType, componentId, check } = parts;
  return {
    ...tuning,
    name,
    measurement: 'responseTime',
    componentType,
    observedUnit: 'ms',
    ...(componentId === undefined ? {} : { componentId }),
    check,
  };
}

/**
 * Milliseconds on `clock` since `startedAt`, rounded to the microsecond: a round trip as a
 * response-time check reports it.
 *
 * @example
 * ```ts
 * import { VirtualClock } from '@keel/core/clock';
 * import { elapsedMs } from '@keel/core/health-check';
 * const clock = new VirtualClock();
 * const started = clock.now();
 * clock.advance(12.3456);
 * console.log(elapsedMs(clock, started)); // 12.346
 * ```
 * @category Health
 */
export function elapsedMs(clock: Clock, startedAt: number): number {
  return Math.round((clock.now() - startedAt) * 1000) / 1000;
}
