import type { Clock } from '@keel/core/clock';
import { systemClock } from '@keel/core/clock';
import { InvalidOptionError } from '@keel/core/errors';
import type { CheckResult, HealthCheck, HealthCheckOptions, Measurement } from '@keel/core/health-check';
import { elapsedMs, responseTimeCheck, takeHealthCheckOptions } from '@keel/core/health-check';
import { check } from '@keel/core/options';
import type { IStatusResponse } from 'etcd3';

/**
 * What the check needs from an etcd client: an `etcd3` `Etcd3` (or a namespace of it) fits.
 * @category Health
 */
export interface EtcdStatusSource {
  readonly maintenance: { status(): Promise<IStatusResponse> };
}

/**
 * Options of {@link etcdHealthCheck}, plus the shared check tuning.
 * @category Health
 */
export interface EtcdHealthCheckOptions extends HealthCheckOptions {
  /** Component name in the report. @default 'etcd' */
  readonly name?: string;
  /** Identifies the cluster. @default the responding member's ID */
  readonly componentId?: string;
  /** Measures latency. @default systemClock */
  readonly clock?: Clock;
  /**
   * Warn when the database file is larger than this many bytes; etcd's default backend quota
   * is 2 GiB, and reaching the quota raises the NOSPACE alarm that stops all writes.
   * @default Infinity
   */
  readonly maxDbSizeBytes?: number;
}

/**
 * Defaults for {@link EtcdHealthCheckOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_ETCD_HEALTH_CHECK_OPTIONS } from '@keel/etcd';
 * // The check is named 'etcd' and puts no limit on the database size unless given one.
 * const { name, maxDbSizeBytes } = DEFAULT_ETCD_HEALTH_CHECK_OPTIONS;
 * console.log(name, maxDbSizeBytes); // etcd Infinity
 * ```
 * @category Health
 */
export const DEFAULT_ETCD_HEALTH_CHECK_OPTIONS = {
  name: 'etcd',
  maxDbSizeBytes: Number.POSITIVE_INFINITY,
} as const;

/**
 * A readiness check for etcd: asks the maintenance API for the member's status and reports the
 * round trip (`etcd:responseTime`), the current leader, the server version and the database
 * size. It fails when the member knows no leader (the cluster cannot serve writes or linearizable
 * reads) or reports alarms such as NOSPACE.
 *
 * @example
 * ```ts
 * import { Etcd3 } from 'etcd3';
 * import { healthService } from '@keel/core/health-check';
 * import { etcdHealthCheck } from '@keel/etcd';
 * const client = new Etcd3({ hosts: '127.0.0.1:2379' });
 * const health = healthService({ checks: [etcdHealthCheck(client)] });
 * console.log((await health.readiness()).status);
 * client.close();
 * ```
 * @category Health
 */
export function etcdHealthCheck(client: EtcdStatusSource, options: EtcdHealthCheckOptions = {}): HealthCheck {
  const tuning = takeHealthCheckOptions(options, ['name', 'componentId', 'clock', 'maxDbSizeBytes']);
  if (
    typeof (client as { maintenance?: { status?: unknown } } | undefined)?.maintenance?.status !== 'function'
  )
    throw new InvalidOptionError('client', client, 'an etcd3 client');
  const defaults = DEFAULT_ETCD_HEALTH_CHECK_OPTIONS;
  const name = check.string('name', options.name, defaults.name);
  const componentId =
    options.componentId === undefined ? undefined : check.string('componentId', options.componentId);
  const clock = check.object<Clock>('clock', options.clock) ?? systemClock;
  const maxDbSize = check.number('maxDbSizeBytes', options.maxDbSizeBytes, defaults.maxDbSizeBytes, {
    above: 0,
    allowInfinity: true,
  });

  return responseTimeCheck({
    tuning,
    name,
    componentType: 'datastore',
    async check(): Promise<CheckResult> {
      const started = clock.now();
      const status = await client.maintenance.status();
      const latency = elapsedMs(clock, started);
      const dbSize = Number(status.dbSize);
      const problems: string[] = [];
      // etcd reports member IDs as decimal strings; 0 means no leader is known.
      if (!status.leader || status.leader === '0') problems.push('no leader elected');
      if (status.errors?.length) problems.push(`alarms: ${status.errors.join(', ')}`);
      const measurements: Record<string, Measurement> = {
        leader: { observedValue: status.leader },
        version: { observedValue: status.version },
        dbSize: {
          observedValue: dbSize,
          observedUnit: 'bytes',
          ...(dbSize > maxDbSize
            ? { status: 'warn', output: `database larger than ${maxDbSize} bytes` }
            : {}),
        },
      };
      return {
        componentId: componentId ?? status.header.member_id,
        observedValue: latency,
        ...(problems.length > 0 ? { status: 'fail', output: problems.join('; ') } : {}),
        measurements,
      };
    },
  });
}
