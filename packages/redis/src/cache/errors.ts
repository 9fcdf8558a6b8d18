import { hasErrorCode, KeelError } from '@keel/core/errors';

/**
 * What {@link TwoTierCache.start} was still waiting for when it gave up: the invalidation
 * connection to be ready, the data connection to be ready, or Redis to accept
 * `CLIENT TRACKING` (Redis 6 or later) on ready connections.
 */
export type TwoTierStartStage = 'invalidation connection' | 'data connection' | 'tracking';

/**
 * Thrown by {@link TwoTierCache.start} when tracking could not be turned on: within the start
 * timeout, or at all because a connection ended for good (its `retryStrategy` gave up). The cache
 * is back in state `idle`, its invalidation connection closed; `start` may be called again.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { isTwoTierStartError, TwoTierCache } from '@keel/redis';
 * const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
 * const cache = new TwoTierCache<string>(redis);
 * try {
 *   await cache.start({ timeout: 2_000 });
 * } catch (error) {
 *   if (isTwoTierStartError(error)) console.log(error.stage, error.message);
 * }
 * ```
 */
export class TwoTierStartError extends KeelError {
  override readonly name = 'TwoTierStartError' as const;
  readonly code = 'KEEL_TWO_TIER_START' as const;

  constructor(
    /** What was not ready. */
    readonly stage: TwoTierStartStage,
    /** Why it gave up: the timeout ran out, or the connection ended and will not reconnect. */
    readonly reason: 'timeout' | 'connection ended',
    /** The start timeout in milliseconds. */
    readonly timeoutMs: number,
    /** The last error the waited-for connection (or the tracking command) reported, if any. */
    cause?: unknown,
  ) {
    super(
      `TwoTierCache.start: ${
        reason === 'timeout'
          ? `after ${timeoutMs} ms, the ${stage === 'tracking' ? 'CLIENT TRACKING command had not succeeded' : `${stage} was not ready`}`
          : `the ${stage} ended and will not reconnect`
      }${cause instanceof Error ? ` (last error: ${cause.message})` : ''}`,
      { cause },
    );
  }
}

/**
 * True for a {@link TwoTierStartError}.
 *
 * @example
 * ```ts
 * import { isTwoTierStartError } from '@keel/redis';
 * console.log(isTwoTierStartError(new Error('x'))); // false
 * ```
 */
export const isTwoTierStartError = (error: unknown): error is TwoTierStartError =>
  hasErrorCode(error, 'KEEL_TWO_TIER_START');
