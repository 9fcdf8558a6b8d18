import { InvalidOptionError } from '../../errors/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import type { CheckResult, ProbeKind } from './types.js';
import { PROBE_KINDS } from './types.js';

/**
 * The function that probes one component. It receives a signal that aborts when the check's
 * time limit passes; it returns a {@link CheckResult} (or nothing, for `pass`) or throws to
 * report `fail`.
 * @category Health
 */
export type CheckFunction = (signal: AbortSignal) => Promise<CheckResult | void> | CheckResult | void;

/**
 * Tuning shared by every check; each field may also be set on the check itself.
 * @category Health
 */
export interface HealthCheckOptions {
  /**
   * Time limit for one run. A run that overruns fails with a `TimeoutError` output and its
   * signal aborts. Kubernetes gives a whole probe one second by default, so stay below that.
   * @default 800
   */
  readonly timeoutMs?: number;
  /**
   * When false, a failure of this check makes the overall status `warn` instead of `fail`.
   * @default true
   */
  readonly critical?: boolean;
  /**
   * Probes this check belongs to. Checks of downstream dependencies belong in readiness only:
   * a database outage must not make every replica restart at once.
   * @default ['readiness']
   */
  readonly probes?: readonly ProbeKind[];
  /**
   * How long a result is reused before the check runs again, so frequent probes from several
   * load balancers do not hammer a dependency. 0 reuses nothing (concurrent probes still share
   * one run).
   * @default 1000
   */
  readonly cacheMs?: number;
  /**
   * When set, the check also runs in the background every `refreshMs` and probes read the
   * latest result instead of waiting for the dependency.
   * @default undefined (no background refresh)
   */
  readonly refreshMs?: number;
}

/**
 * A named check of one component, in the vocabulary of draft-inadarei-api-health-check.
 *
 * @example
 * ```ts
 * import type { HealthCheck } from '@keel/core/health-check';
 * const diskSpace: HealthCheck = {
 *   name: 'disk',
 *   measurement: 'utilization',
 *   componentType: 'system',
 *   critical: false,
 *   probes: ['readiness'],
 *   check: () => ({ observedValue: 42, observedUnit: 'percent' }),
 * };
 * console.log(diskSpace.name);
 * ```
 * @category Health
 */
export interface HealthCheck extends HealthCheckOptions {
  /** The component name, the first half of the report key. */
  readonly name: string;
  /** What is measured, the second half of the report key (`"name:measurement"`). @default none: the key is just `name` */
  readonly measurement?: string;
  /** Identifies the component instance, such as a host or a pool name. @default undefined */
  readonly componentId?: string;
  /** `component`, `datastore`, `system` or a URI, as the draft suggests. @default undefined */
  readonly componentType?: string;
  /** Unit of the main observed value when the result does not give one. @default undefined */
  readonly observedUnit?: string;
  /** The probe itself. */
  readonly check: CheckFunction;
}

/**
 * Defaults for {@link HealthCheckOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_HEALTH_CHECK_OPTIONS } from '@keel/core/health-check';
 * const { timeoutMs, probes } = DEFAULT_HEALTH_CHECK_OPTIONS;
 * console.log(`a check gets ${timeoutMs} ms and feeds the ${probes.join(', ')} probe`);
 * ```
 * @category Health
 */
export const DEFAULT_HEALTH_CHECK_OPTIONS = {
  timeoutMs: 800,
  critical: true,
  probes: ['readiness'] as readonly ProbeKind[],
  cacheMs: 1_000,
  refreshMs: undefined as number | undefined,
} as const;

/** @internal A check with every option validated and defaulted. */
export interface ResolvedHealthCheck {
  readonly name: string;
  readonly key: string;
  readonly measurement: string | undefined;
  readonly componentId: string | undefined;
  readonly componentType: string | undefined;
  readonly observedUnit: string | undefined;
  readonly check: CheckFunction;
  readonly timeoutMs: number;
  readonly critical: boolean;
  readonly probes: ReadonlySet<ProbeKind>;
  readonly cacheMs: number;
  readonly refreshMs: number | undefined;
}

const CHECK_KEYS = [
  'name',
  'measurement',
  'componentId',
  'componentType',
  'observedUnit',
  'check',
  'timeoutMs',
  'critical',
  'probes',
  'cacheMs',
  'refreshMs',
] as const;

const OPTION_KEYS = ['timeoutMs', 'critical', 'probes', 'cacheMs', 'refreshMs'] as const;

function optionalString(field: string, value: unknown): string | undefined {
  return value === undefined ? undefined : check.string(field, value);
}

function resolveProbes(field: string, value: unknown): ReadonlySet<ProbeKind> {
  if (value === undefined) return new Set(DEFAULT_HEALTH_CHECK_OPTIONS.probes);
  if (!Array.isArray(value) || value.length === 0)
    throw new InvalidOptionError(field, value, 'a non-empty array of "liveness", "readiness", "startup"');
  for (const [i, probe] of value.entries()) check.oneOf(`${field}[${i}]`, probe, 'readiness', PROBE_KINDS);
  return new Set(value as ProbeKind[]);
}

const noop: CheckFunction = () => undefined;

/**
 * For factories that build a {@link HealthCheck} from their own options plus the shared
 * tuning: rejects keys that are neither `ownKeys` nor tuning keys, validates the tuning values
 * (errors name the bare field, such as `timeoutMs`) and returns only the tuning fields that
 * were given.
 *
 * @example
 * ```ts
 * import { takeHealthCheckOptions } from '@keel/core/health-check';
 * const tuning = takeHealthCheckOptions({ host: 'db', timeoutMs: 300 }, ['host']);
 * console.log(tuning); // { timeoutMs: 300 }
 * ```
 * @category Health
 */
export function takeHealthCheckOptions(
  options: object | undefined,
  ownKeys: readonly string[],
): HealthCheckOptions {
  if (options === undefined) return {};
  check.object('options', options);
  checkKnownKeys('options', options, [...ownKeys, ...OPTION_KEYS]);
  const tuning: Record<string, unknown> = {};
  for (const key of OPTION_KEYS) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) tuning[key] = value;
  }
  resolveHealthCheck('', { name: 'options', check: noop, ...tuning });
  return tuning as HealthCheckOptions;
}

/**
 * Validates a check definition; `scope` prefixes field names in errors.
 * @internal
 */
export function resolveHealthCheck(
  scope: string,
  definition: HealthCheck,
  defaults: HealthCheckOptions = {},
): ResolvedHealthCheck {
  check.object(scope, definition);
  if (definition === undefined) throw new InvalidOptionError(scope, definition, 'a health check');
  checkKnownKeys(scope, definition, CHECK_KEYS);
  const at = (field: string): string => (scope === '' ? field : `${scope}.${field}`);
  const name = check.string(at('name'), definition.name);
  const measurement = optionalString(at('measurement'), definition.measurement);
  const checkFn = check.func<CheckFunction>(at('check'), definition.check);
  if (checkFn === undefined) throw new InvalidOptionError(at('check'), undefined, 'a function');
  const refreshMs =
    definition.refreshMs ?? defaults.refreshMs ?? DEFAULT_HEALTH_CHECK_OPTIONS.refreshMs ?? undefined;
  return {
    name,
    measurement,
    key: measurement === undefined ? name : `${name}:${measurement}`,
    componentId: optionalString(at('componentId'), definition.componentId),
    componentType: optionalString(at('componentType'), definition.componentType),
    observedUnit: optionalString(at('observedUnit'), definition.observedUnit),
    check: checkFn,
    timeoutMs: check.duration(
      at('timeoutMs'),
      definition.timeoutMs ?? defaults.timeoutMs,
      DEFAULT_HEALTH_CHECK_OPTIONS.timeoutMs,
      { above: 0, allowInfinity: true },
    ),
    critical: check.boolean(
      at('critical'),
      definition.critical ?? defaults.critical,
      DEFAULT_HEALTH_CHECK_OPTIONS.critical,
    ),
    probes: resolveProbes(at('probes'), definition.probes ?? defaults.probes),
    cacheMs: check.duration(
      at('cacheMs'),
      definition.cacheMs ?? defaults.cacheMs,
      DEFAULT_HEALTH_CHECK_OPTIONS.cacheMs,
    ),
    refreshMs:
      refreshMs === undefined ? undefined : check.duration(at('refreshMs'), refreshMs, 0, { above: 0 }),
  };
}
