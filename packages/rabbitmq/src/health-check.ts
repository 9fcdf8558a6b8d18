import type { Clock } from '@keel/core/clock';
import { systemClock } from '@keel/core/clock';
import { InvalidOptionError } from '@keel/core/errors';
import type { CheckResult, HealthCheck, HealthCheckOptions, Measurement } from '@keel/core/health-check';
import { elapsedMs, responseTimeCheck, takeHealthCheckOptions } from '@keel/core/health-check';
import { check } from '@keel/core/options';
import type { ChannelModel } from 'amqplib';
import { connect } from 'amqplib';

/**
 * Options of {@link amqpHealthCheck}, plus the shared check tuning.
 * @category Health
 */
export interface AmqpHealthCheckOptions extends HealthCheckOptions {
  /** Component name in the report. @default 'rabbitmq' */
  readonly name?: string;
  /** Identifies the broker or virtual host. @default undefined */
  readonly componentId?: string;
  /** Measures latency. @default systemClock */
  readonly clock?: Clock;
  /**
   * A queue to inspect with a passive declare (`checkQueue`): the check fails when it does not
   * exist and reports its message and consumer counts.
   * @default undefined (open and close a channel only)
   */
  readonly queue?: string;
  /** With `queue`, warn when more messages than this are waiting. @default Infinity */
  readonly maxMessages?: number;
  /** With `queue`, warn when the queue has no consumer. @default false */
  readonly requireConsumer?: boolean;
}

/**
 * Defaults for {@link AmqpHealthCheckOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_AMQP_HEALTH_CHECK_OPTIONS } from '@keel/rabbitmq';
 * // No queue-depth limit and no consumer required unless configured.
 * const { maxMessages, requireConsumer } = DEFAULT_AMQP_HEALTH_CHECK_OPTIONS;
 * console.log(maxMessages, requireConsumer); // Infinity false
 * ```
 * @category Health
 */
export const DEFAULT_AMQP_HEALTH_CHECK_OPTIONS = {
  name: 'rabbitmq',
  maxMessages: Number.POSITIVE_INFINITY,
  requireConsumer: false,
} as const;

const OWN_KEYS = ['name', 'componentId', 'clock', 'queue', 'maxMessages', 'requireConsumer'] as const;

interface ConnectionState {
  closed: boolean;
  blocked: string | undefined;
}

/**
 * A readiness check for RabbitMQ (AMQP 0-9-1): opens and closes a channel, or passively checks
 * a queue, and reports the round trip as `rabbitmq:responseTime`.
 *
 * Given an `amqplib` connection it reuses it, failing at once after the connection closed and
 * warning while the broker blocks it (a memory or disk alarm, during which publishes stall).
 * Given a URL it connects for each run and closes the connection afterwards, which tests the
 * whole path including authentication but costs a connection per run: keep `cacheMs` generous.
 *
 * @example
 * ```ts
 * import { connect } from 'amqplib';
 * import { healthService } from '@keel/core/health-check';
 * import { amqpHealthCheck } from '@keel/rabbitmq';
 * const connection = await connect('amqp://guest:guest@127.0.0.1:5672');
 * const health = healthService({ checks: [amqpHealthCheck(connection, { queue: 'orders' })] });
 * console.log((await health.readiness()).status);
 * await connection.close();
 * ```
 * @category Health
 */
export function amqpHealthCheck(
  connectionOrUrl: ChannelModel | string,
  options: AmqpHealthCheckOptions = {},
): HealthCheck {
  const tuning = takeHealthCheckOptions(options, OWN_KEYS);
  const url =
    typeof connectionOrUrl === 'string' ? check.string('connectionOrUrl', connectionOrUrl) : undefined;
  if (
    url === undefined &&
    typeof (connectionOrUrl as { createChannel?: unknown } | undefined)?.createChannel !== 'function'
  )
    throw new InvalidOptionError(
      'connectionOrUrl',
      connectionOrUrl,
      'an amqplib connection or an amqp:// URL',
    );
  const defaults = DEFAULT_AMQP_HEALTH_CHECK_OPTIONS;
  const name = check.string('name', options.name, defaults.name);
  const componentId =
    options.componentId === undefined ? undefined : check.string('componentId', options.componentId);
  const clock = check.object<Clock>('clock', options.clock) ?? systemClock;
  const queue = options.queue === undefined ? undefined : check.string('queue', options.queue);
  const maxMessages = check.integer('maxMessages', options.maxMessages, defaults.maxMessages, {
    min: 0,
    allowInfinity: true,
  });
  const requireConsumer = check.boolean('requireConsumer', options.requireConsumer, defaults.requireConsumer);

  const state: ConnectionState = { closed: false, blocked: undefined };
  if (url === undefined) {
    const connection = connectionOrUrl as ChannelModel;
    // Only these events: listening for 'error' would change how the application's own
    // connection reports failures.
    connection.on('close', () => {
      state.closed = true;
    });
    connection.on('blocked', (reason: unknown) => {
      state.blocked = String(reason ?? 'unknown reason');
    });
    connection.on('unblocked', () => {
      state.blocked = undefined;
    });
  }

  async function probe(connection: ChannelModel): Promise<Record<string, Measurement>> {
    const channel = await connection.createChannel();
    // A failed passive declare closes the channel on the broker side; keep the close quiet.
    channel.on('error', () => undefined);
    try {
      if (queue === undefined) return {};
      const { messageCount, consumerCount } = await channel.checkQueue(queue);
      return {
        messages: {
          observedValue: messageCount,
          observedUnit: 'messages',
          ...(messageCount > maxMessages
            ? { status: 'warn', output: `more than ${maxMessages} messages waiting` }
            : {}),
        },
        consumers: {
          observedValue: consumerCount,
          observedUnit: 'consumers',
          ...(requireConsumer && consumerCount === 0
            ? { status: 'warn', output: 'no consumer on the queue' }
            : {}),
        },
      };
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  async function probeUrl(target: string, signal: AbortSignal): Promise<Record<string, Measurement>> {
    const pending = connect(target);
    // If the run is abandoned while connecting, close the connection whenever it arrives.
    const onAbort = (): void => {
      pending.then((c) => c.close()).catch(() => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    let connection: ChannelModel;
    try {
      connection = await pending;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    connection.on('error', () => undefined);
    try {
      return await probe(connection);
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  return responseTimeCheck({
    tuning,
    name,
    componentType: 'component',
    componentId,
    async check(signal): Promise<CheckResult> {
      if (state.closed) throw new Error('connection is closed');
      const started = clock.now();
      const measurements =
        url === undefined ? await probe(connectionOrUrl as ChannelModel) : await probeUrl(url, signal);
      const latency = elapsedMs(clock, started);
      const blocked =
        state.blocked === undefined
          ? {}
          : { status: 'warn' as const, output: `connection blocked by the broker: ${state.blocked}` };
      return {
        observedValue: latency,
        ...blocked,
        ...(Object.keys(measurements).length > 0 ? { measurements } : {}),
      };
    },
  });
}
