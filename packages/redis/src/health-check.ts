import type { Clock } from '@keel/core/clock';
import { systemClock } from '@keel/core/clock';
import { InvalidOptionError } from '@keel/core/errors';
import type { CheckResult, HealthCheck, HealthCheckOptions } from '@keel/core/health-check';
import { elapsedMs, responseTimeCheck, takeHealthCheckOptions } from '@keel/core/health-check';
import { check } from '@keel/core/options';

/**
 * What the check needs from a Redis client: an `ioredis` `Redis` or `Cluster` fits, as does any
 * client with a promise-returning `ping`. `status` is read when present.
 * @category Health
 */
export interface RedisPingable {
  ping(): Promise<string>;
  readonly status?: string;
}

/**
 * Options of {@link redisHealthCheck}, plus the shared check tuning.
 * @category Health
 */
export interface RedisHealthCheckOptions extends HealthCheckOptions {
  /** Component name in the report. @default 'redis' */
  readonly name?: string;
  /** Identifies this Redis, such as `sessions` or a host name. @default undefined */
  readonly componentId?: string;
  /** Measures latency. @default systemClock */
  readonly clock?: Clock;
}

/**
 * Defaults for {@link RedisHealthCheckOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_REDIS_HEALTH_CHECK_OPTIONS } from '@keel/redis';
 * console.log(DEFAULT_REDIS_HEALTH_CHECK_OPTIONS.name); // 'redis'
 * ```
 * @category Health
 */
export const DEFAULT_REDIS_HEALTH_CHECK_OPTIONS = { name: 'redis' } as const;

// ioredis states in which a command cannot succeed: failing fast beats queueing a PING that
// can only time out (or, with the offline queue disabled, fail with a vaguer message).
const DEAD_STATES = new Set(['end', 'close']);

/**
 * A readiness check for Redis: sends `PING` and reports the round trip in milliseconds as
 * `redis:responseTime`. A client that was closed fails at once with its state as output.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { healthService } from '@keel/core/health-check';
 * import { redisHealthCheck } from '@keel/redis';
 * const redis = new Redis({ host: '127.0.0.1', lazyConnect: true });
 * const health = healthService({ checks: [redisHealthCheck(redis, { timeoutMs: 300 })] });
 * console.log((await health.readiness()).status);
 * redis.disconnect();
 * ```
 * @category Health
 */
export function redisHealthCheck(redis: RedisPingable, options: RedisHealthCheckOptions = {}): HealthCheck {
  const tuning = takeHealthCheckOptions(options, ['name', 'componentId', 'clock']);
  if (typeof (redis as { ping?: unknown } | undefined)?.ping !== 'function')
    throw new InvalidOptionError('redis', redis, 'a Redis client with ping()');
  const name = check.string('name', options.name, DEFAULT_REDIS_HEALTH_CHECK_OPTIONS.name);
  const componentId =
    options.componentId === undefined ? undefined : check.string('componentId', options.componentId);
  const clock = check.object<Clock>('clock', options.clock) ?? systemClock;
  return responseTimeCheck({
    tuning,
    name,
    componentType: 'datastore',
    componentId,
    async check(): Promise<CheckResult> {
      const state = redis.status;
      if (state !== undefined && DEAD_STATES.has(state))
        throw new Error(`connection is closed (client status "${state}")`);
      const started = clock.now();
      const reply = await redis.ping();
      const latency = elapsedMs(clock, started);
      if (reply !== 'PONG')
        return { observedValue: latency, status: 'warn', output: `unexpected PING reply "${reply}"` };
      return { observedValue: latency };
    },
  });
}
