import type { Clock } from '@keel/core/clock';
import { systemClock } from '@keel/core/clock';
import type { CheckResult, HealthCheck, HealthCheckOptions, Measurement } from '@keel/core/health-check';
import { elapsedMs, responseTimeCheck, takeHealthCheckOptions } from '@keel/core/health-check';
import { check } from '@keel/core/options';

/**
 * What the check needs from a PostgreSQL client: `pg`'s `Pool`, `PoolClient` and `Client` all
 * fit, as does anything with the same `query` method.
 * @category Health
 */
export interface PostgresQueryable {
  query(text: string): Promise<{ readonly rows: readonly unknown[] }>;
}

/**
 * Options of {@link postgresHealthCheck}, plus the shared check tuning.
 * @category Health
 */
export interface PostgresHealthCheckOptions extends HealthCheckOptions {
  /** Component name in the report. @default 'postgres' */
  readonly name?: string;
  /** Identifies this database, such as `primary` or a host name. @default undefined */
  readonly componentId?: string;
  /** Measures latency. @default systemClock */
  readonly clock?: Clock;
  /** The probe query; it should be cheap and touch no table. @default 'SELECT 1' */
  readonly query?: string;
  /**
   * Also report whether the server is a primary or a replica (`pg_is_in_recovery()`) and, on a
   * replica, the replay lag in milliseconds.
   * @default false
   */
  readonly replication?: boolean;
  /** Fail when the server is a replica, for pools that must write. Implies `replication`. @default false */
  readonly expectPrimary?: boolean;
  /** On a replica, warn when the replay lag exceeds this many milliseconds. @default Infinity */
  readonly maxReplicationLagMs?: number;
}

/**
 * Defaults for {@link PostgresHealthCheckOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_POSTGRES_HEALTH_CHECK_OPTIONS } from '@keel/postgres';
 * // By default the check runs SELECT 1 and does not look at replication.
 * const { query, replication } = DEFAULT_POSTGRES_HEALTH_CHECK_OPTIONS;
 * console.log(query, replication); // SELECT 1 false
 * ```
 * @category Health
 */
export const DEFAULT_POSTGRES_HEALTH_CHECK_OPTIONS = {
  name: 'postgres',
  query: 'SELECT 1',
  replication: false,
  expectPrimary: false,
  maxReplicationLagMs: Number.POSITIVE_INFINITY,
} as const;

const OWN_KEYS = [
  'name',
  'componentId',
  'clock',
  'query',
  'replication',
  'expectPrimary',
  'maxReplicationLagMs',
] as const;

// The lag is the time since the last replayed transaction; on an idle primary it grows without
// any real delay, which is why it is only a warning threshold and off by default.
const REPLICATION_QUERY =
  'SELECT pg_is_in_recovery() AS in_recovery, ' +
  'CASE WHEN pg_is_in_recovery() THEN EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp())) * 1000 END AS lag_ms';

interface PoolCounts {
  totalCount?: unknown;
  idleCount?: unknown;
  waitingCount?: unknown;
}

/**
 * A readiness check for PostgreSQL: runs `SELECT 1` and reports the round trip in
 * milliseconds as `postgres:responseTime`. With a `pg` pool it also reports the pool's
 * connections and waiting clients, and with `replication` the server's role and replay lag.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { healthService } from '@keel/core/health-check';
 * import { postgresHealthCheck } from '@keel/postgres';
 * const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test' });
 * const health = healthService({ checks: [postgresHealthCheck(pool, { timeoutMs: 500 })] });
 * console.log((await health.readiness()).status);
 * await pool.end();
 * ```
 * @category Health
 */
export function postgresHealthCheck(
  poolOrClient: PostgresQueryable,
  options: PostgresHealthCheckOptions = {},
): HealthCheck {
  const tuning = takeHealthCheckOptions(options, OWN_KEYS);
  if (typeof (poolOrClient as { query?: unknown } | undefined)?.query !== 'function')
    check.func('poolOrClient', 'not a client');
  const defaults = DEFAULT_POSTGRES_HEALTH_CHECK_OPTIONS;
  const name = check.string('name', options.name, defaults.name);
  const componentId =
    options.componentId === undefined ? undefined : check.string('componentId', options.componentId);
  const clock = check.object<Clock>('clock', options.clock) ?? systemClock;
  const query = check.string('query', options.query, defaults.query);
  const expectPrimary = check.boolean('expectPrimary', options.expectPrimary, defaults.expectPrimary);
  const replication =
    check.boolean('replication', options.replication, defaults.replication) || expectPrimary;
  const maxLagMs = check.duration(
    'maxReplicationLagMs',
    options.maxReplicationLagMs,
    defaults.maxReplicationLagMs,
    {
      allowInfinity: true,
    },
  );

  return responseTimeCheck({
    tuning,
    name,
    componentType: 'datastore',
    componentId,
    async check(): Promise<CheckResult> {
      const started = clock.now();
      await poolOrClient.query(query);
      const latency = elapsedMs(clock, started);
      const measurements: Record<string, Measurement> = {};
      let status: CheckResult['status'] = 'pass';
      let output: string | undefined;

      const counts = poolOrClient as PoolCounts;
      if (typeof counts.totalCount === 'number' && typeof counts.waitingCount === 'number') {
        measurements['connections'] = { observedValue: counts.totalCount, observedUnit: 'connections' };
        // Clients queueing for a connection mean the pool, not the server, is the bottleneck.
        measurements['waiting'] = {
          observedValue: counts.waitingCount,
          observedUnit: 'clients',
          ...(counts.waitingCount > 0
            ? { status: 'warn', output: 'clients are waiting for a connection' }
            : {}),
        };
      }

      if (replication) {
        const { rows } = await poolOrClient.query(REPLICATION_QUERY);
        const row = rows[0] as { in_recovery?: unknown; lag_ms?: unknown } | undefined;
        const replica = row?.in_recovery === true;
        measurements['role'] = { observedValue: replica ? 'replica' : 'primary' };
        if (replica && expectPrimary) {
          status = 'fail';
          output = 'server is a read-only replica (pg_is_in_recovery() is true)';
        }
        if (replica && row?.lag_ms !== null && row?.lag_ms !== undefined) {
          const lag = Number(row.lag_ms);
          measurements['replicationLag'] = {
            observedValue: Math.round(lag),
            observedUnit: 'ms',
            ...(lag > maxLagMs ? { status: 'warn', output: `replay lag above ${maxLagMs} ms` } : {}),
          };
        }
      }

      return {
        observedValue: latency,
        status,
        ...(output === undefined ? {} : { output }),
        ...(Object.keys(measurements).length > 0 ? { measurements } : {}),
      };
    },
  });
}
