import { InvalidOptionError } from '../../errors/index.js';
import { check } from '../../options/index.js';
import type { HealthCheck, HealthCheckOptions } from './health-check.js';
import { takeHealthCheckOptions } from './health-check.js';
import type { HealthStatus } from './types.js';

/**
 * Anything that exposes a circuit state: a string such as `'closed'`, `'open'` or
 * `'half-open'`, or a state object with such a `kind` or `name`.
 * @category Health
 */
export interface CircuitStateSource {
  readonly state: string | { readonly kind?: string; readonly name?: string };
}

/**
 * Options of {@link circuitBreakerHealthCheck}.
 * @category Health
 */
export interface CircuitBreakerHealthCheckOptions extends HealthCheckOptions {
  /** Component name in the report. @default 'circuit-breaker' */
  readonly name?: string;
  /** Identifies the protected dependency. @default undefined */
  readonly componentId?: string;
  /**
   * Status reported while the circuit is open (or isolated). `warn` keeps the instance in
   * rotation: when a shared dependency is down, taking every replica out of service as well
   * only turns a partial outage into a total one.
   * @default 'warn'
   */
  readonly openStatus?: HealthStatus;
  /** Status reported while the circuit is probing (half-open). @default 'warn' */
  readonly halfOpenStatus?: HealthStatus;
  /** Response-time cache; a state read is cheap, so the default does not cache. @default 0 */
  readonly cacheMs?: number;
}

/**
 * Defaults for {@link CircuitBreakerHealthCheckOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_CIRCUIT_BREAKER_HEALTH_CHECK_OPTIONS } from '@keel/core/health-check';
 * // An open breaker makes the check warn, not fail, unless told otherwise.
 * console.log(DEFAULT_CIRCUIT_BREAKER_HEALTH_CHECK_OPTIONS.openStatus); // 'warn'
 * ```
 * @category Health
 */
export const DEFAULT_CIRCUIT_BREAKER_HEALTH_CHECK_OPTIONS = {
  name: 'circuit-breaker',
  openStatus: 'warn',
  halfOpenStatus: 'warn',
  cacheMs: 0,
} as const;

const STATUSES: readonly HealthStatus[] = ['pass', 'warn', 'fail'];

function stateName(source: CircuitStateSource): string {
  const state = source.state;
  if (typeof state === 'string') return state;
  return String(state?.kind ?? state?.name ?? 'unknown');
}

/**
 * Reports a circuit breaker's state as a health check: closed passes, half-open and open
 * report `halfOpenStatus` and `openStatus`.
 *
 * @example
 * ```ts
 * import { circuitBreakerHealthCheck, healthService } from '@keel/core/health-check';
 * const breaker = { state: 'open' };
 * const health = healthService({ checks: [circuitBreakerHealthCheck(breaker, { name: 'payments' })] });
 * console.log((await health.readiness()).status); // 'warn'
 * ```
 * @category Health
 */
export function circuitBreakerHealthCheck(
  breaker: CircuitStateSource,
  options: CircuitBreakerHealthCheckOptions = {},
): HealthCheck {
  const tuning = takeHealthCheckOptions(options, ['name', 'componentId', 'openStatus', 'halfOpenStatus']);
  if (check.object('breaker', breaker) === undefined)
    throw new InvalidOptionError('breaker', breaker, 'an object with a state');
  const name = check.string('name', options.name, DEFAULT_CIRCUIT_BREAKER_HEALTH_CHECK_OPTIONS.name);
  const openStatus = check.oneOf('openStatus', options.openStatus, 'warn', STATUSES);
  const halfOpenStatus = check.oneOf('halfOpenStatus', options.halfOpenStatus, 'warn', STATUSES);
  const componentId =
    options.componentId === undefined ? undefined : check.string('componentId', options.componentId);
  return {
    cacheMs: DEFAULT_CIRCUIT_BREAKER_HEALTH_CHECK_OPTIONS.cacheMs,
    ...tuning,
    name,
    measurement: 'state',
    componentType: 'component',
    ...(componentId === undefined ? {} : { componentId }),
    check: () => {
      const state = stateName(breaker);
      const normalized = state.toLowerCase().replace(/[^a-z]/g, '');
      if (normalized === 'closed') return { observedValue: state };
      if (normalized.startsWith('half'))
        return { observedValue: state, status: halfOpenStatus, output: 'circuit half-open: probing' };
      if (normalized === 'open' || normalized === 'isolated' || normalized === 'forcedopen')
        return { observedValue: state, status: openStatus, output: `circuit ${state}: calls are rejected` };
      return { observedValue: state, status: 'warn', output: `unknown circuit state "${state}"` };
    },
  };
}
