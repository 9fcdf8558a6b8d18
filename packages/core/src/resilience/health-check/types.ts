/**
 * The three states of draft-inadarei-api-health-check: `pass` (healthy), `warn` (healthy, with
 * concerns) and `fail` (unhealthy).
 * @category Health
 */
export type HealthStatus = 'pass' | 'warn' | 'fail';

/**
 * Status words a check may return. The draft accepts `ok`/`up` for `pass` and `error`/`down`
 * for `fail`; they are normalised to the three canonical values in reports.
 * @category Health
 */
export type HealthStatusInput = HealthStatus | 'ok' | 'up' | 'error' | 'down';

/**
 * The probes an orchestrator asks: `liveness` (restart me if this fails), `readiness` (send me
 * traffic only if this passes) and `startup` (hold the other two until this first passes).
 * @category Health
 */
export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/**
 * Every probe kind, in a stable order.
 *
 * @example
 * ```ts
 * import { PROBE_KINDS } from '@keel/core/health-check';
 * console.log(PROBE_KINDS); // ['liveness', 'readiness', 'startup']
 * ```
 * @category Health
 */
export const PROBE_KINDS: readonly ProbeKind[] = ['liveness', 'readiness', 'startup'];

/**
 * An extra measurement a check reports next to its main one, such as the storage used by a
 * message broker. It appears under its own `"component:measurement"` key.
 * @category Health
 */
export interface Measurement {
  /** The measured value: a number, string, boolean or small object. */
  readonly observedValue?: unknown;
  /** Unit of `observedValue`, such as `ms`, `bytes` or `percent`. */
  readonly observedUnit?: string;
  /** Status of this measurement alone. @default 'pass' */
  readonly status?: HealthStatusInput;
  /** Human-readable detail, mostly for `warn` and `fail`. */
  readonly output?: string;
}

/**
 * What a check function may return. Returning nothing means `pass`; throwing means `fail`
 * with the error's message as output.
 * @category Health
 */
export interface CheckResult extends Measurement {
  /** Overrides the check's `componentId` for this result. */
  readonly componentId?: string;
  /** Overrides the check's `componentType` for this result. */
  readonly componentType?: string;
  /** Further measurements, keyed by measurement name (reported as `"name:measurement"`). */
  readonly measurements?: Readonly<Record<string, Measurement>>;
}

/**
 * One entry of the `checks` map in an `application/health+json` document.
 * @category Health
 */
export interface ComponentDetail {
  readonly componentId?: string;
  readonly componentType?: string;
  readonly observedValue?: unknown;
  readonly observedUnit?: string;
  readonly status: HealthStatus;
  /** When the result was produced, ISO 8601 (cached results keep their original time). */
  readonly time: string;
  readonly output?: string;
}

/**
 * An `application/health+json` document (draft-inadarei-api-health-check-03).
 * @category Health
 */
export interface HealthReport {
  readonly status: HealthStatus;
  readonly version?: string;
  readonly releaseId?: string;
  readonly serviceId?: string;
  readonly description?: string;
  readonly notes?: readonly string[];
  /** Why the service is not `pass`, when it is not. */
  readonly output?: string;
  /** Results keyed by `"component:measurement"`. */
  readonly checks: Readonly<Record<string, readonly ComponentDetail[]>>;
}

/**
 * The media type of a {@link HealthReport}.
 *
 * @example
 * ```ts
 * import { HEALTH_CONTENT_TYPE } from '@keel/core/health-check';
 * const headers = { 'content-type': HEALTH_CONTENT_TYPE };
 * console.log(headers); // { 'content-type': 'application/health+json' }
 * ```
 * @category Health
 */
export const HEALTH_CONTENT_TYPE = 'application/health+json';

const rank: Record<HealthStatus, number> = { pass: 0, warn: 1, fail: 2 };

/**
 * The worse of two statuses (`fail` > `warn` > `pass`).
 * @example
 * ```ts
 * import { worstStatus } from '@keel/core/health-check';
 * console.log(worstStatus('pass', 'warn')); // 'warn'
 * ```
 * @category Health
 */
export function worstStatus(a: HealthStatus, b: HealthStatus): HealthStatus {
  return rank[a] >= rank[b] ? a : b;
}

/**
 * Maps the draft's aliases to the canonical status; anything unknown counts as `fail`.
 * @example
 * ```ts
 * import { normalizeStatus } from '@keel/core/health-check';
 * console.log(normalizeStatus('up')); // 'pass'
 * ```
 * @category Health
 */
export function normalizeStatus(status: unknown): HealthStatus {
  switch (status) {
    case undefined:
    case 'pass':
    case 'ok':
    case 'up':
      return 'pass';
    case 'warn':
      return 'warn';
    default:
      return 'fail';
  }
}

/**
 * The HTTP status for a report: 200 for `pass` and `warn`, 503 for `fail`, as the draft and
 * every orchestrator expect.
 * @example
 * ```ts
 * import { httpStatusFor } from '@keel/core/health-check';
 * console.log(httpStatusFor({ status: 'warn' })); // 200
 * ```
 * @category Health
 */
export function httpStatusFor(report: Pick<HealthReport, 'status'>): 200 | 503 {
  return report.status === 'fail' ? 503 : 200;
}
