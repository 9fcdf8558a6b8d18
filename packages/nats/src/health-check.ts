import { InvalidOptionError } from '@keel/core/errors';
import type { CheckResult, HealthCheck, HealthCheckOptions, Measurement } from '@keel/core/health-check';
import { responseTimeCheck, takeHealthCheckOptions } from '@keel/core/health-check';
import { check } from '@keel/core/options';
import type { JetStreamManager } from '@nats-io/jetstream';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Options of {@link natsHealthCheck}, plus the shared check tuning.
 * @category Health
 */
export interface NatsHealthCheckOptions extends HealthCheckOptions {
  /** Component name in the report. @default 'nats' */
  readonly name?: string;
  /** Identifies the server or cluster. @default the server the connection is using, as host:port */
  readonly componentId?: string;
  /**
   * Also ask JetStream for the account's usage and report memory, storage and stream counts.
   * Set false for core NATS without JetStream.
   * @default true
   */
  readonly jetstream?: boolean;
  /**
   * Warn when JetStream memory or storage use passes this share of the account limit (only
   * for limited accounts).
   * @default 0.9
   */
  readonly usageWarnRatio?: number;
}

/**
 * Defaults for {@link NatsHealthCheckOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_NATS_HEALTH_CHECK_OPTIONS } from '@keel/nats';
 * // JetStream usage above 90% of the account's limits makes the check warn.
 * console.log(DEFAULT_NATS_HEALTH_CHECK_OPTIONS.usageWarnRatio); // 0.9
 * ```
 * @category Health
 */
export const DEFAULT_NATS_HEALTH_CHECK_OPTIONS = {
  name: 'nats',
  jetstream: true,
  usageWarnRatio: 0.9,
} as const;

function usage(used: number, limit: number, ratio: number, what: string): Measurement {
  // A limit of -1 (or 0) means unlimited.
  const limited = limit > 0;
  return {
    observedValue: used,
    observedUnit: 'bytes',
    ...(limited && used > limit * ratio
      ? {
          status: 'warn',
          output: `JetStream ${what} at ${Math.round((used / limit) * 100)}% of the account limit`,
        }
      : {}),
  };
}

/**
 * A readiness check for NATS: fails for a closed or draining connection, reports the server
 * round trip (`nats:responseTime`, from `rtt()`) and, with JetStream, the account's memory and
 * storage use and stream count from `getAccountInfo()`.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { healthService } from '@keel/core/health-check';
 * import { natsHealthCheck } from '@keel/nats';
 * const nc = await connect({ servers: '127.0.0.1:4222' });
 * const health = healthService({ checks: [natsHealthCheck(nc)] });
 * console.log((await health.readiness()).status);
 * await nc.close();
 * ```
 * @category Health
 */
export function natsHealthCheck(nc: NatsConnection, options: NatsHealthCheckOptions = {}): HealthCheck {
  const tuning = takeHealthCheckOptions(options, ['name', 'componentId', 'jetstream', 'usageWarnRatio']);
  if (typeof (nc as { rtt?: unknown } | undefined)?.rtt !== 'function')
    throw new InvalidOptionError('nc', nc, 'a NATS connection');
  const defaults = DEFAULT_NATS_HEALTH_CHECK_OPTIONS;
  const name = check.string('name', options.name, defaults.name);
  const componentId =
    options.componentId === undefined ? undefined : check.string('componentId', options.componentId);
  const withJetStream = check.boolean('jetstream', options.jetstream, defaults.jetstream);
  const ratio = check.ratio('usageWarnRatio', options.usageWarnRatio, defaults.usageWarnRatio);
  let manager: Promise<JetStreamManager> | undefined;

  const getManager = (): Promise<JetStreamManager> => {
    // One manager per check; a failed creation is forgotten so the next run tries again.
    manager ??= jetstreamManager(nc, { checkAPI: false }).catch((error: unknown) => {
      manager = undefined;
      throw error;
    });
    return manager;
  };

  return responseTimeCheck({
    tuning,
    name,
    componentType: 'component',
    async check(): Promise<CheckResult> {
      if (nc.isClosed()) throw new Error('connection is closed');
      if (nc.isDraining()) throw new Error('connection is draining');
      const id = componentId ?? nc.getServer();
      const rtt = await nc.rtt();
      const result = { componentId: id, observedValue: Math.round(rtt * 1000) / 1000 };
      if (!withJetStream) return result;
      const info = await (await getManager()).getAccountInfo();
      return {
        ...result,
        measurements: {
          jetstreamMemory: usage(info.memory, info.limits.max_memory, ratio, 'memory'),
          jetstreamStorage: usage(info.storage, info.limits.max_storage, ratio, 'storage'),
          streams: { observedValue: info.streams, observedUnit: 'streams' },
        },
      };
    },
  });
}
