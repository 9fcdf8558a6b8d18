import { hasErrorCode, KeelError, type KeelErrorOptions } from '../../errors/index.js';

/**
 * Thrown by a shard (or the authority that guards it) when a request was routed with a stale
 * shard map: the key is no longer on that shard, or its range changed owner after the epoch the
 * router holds. Carries the current epoch so the router knows how far to refresh; the request
 * was not applied and may be retried after refreshing.
 *
 * @example
 * ```ts
 * import { isWrongShardError, WrongShardError } from '@keel/core/sharding';
 * const error = new WrongShardError('user:1', 's1', 3, 4);
 * console.log(isWrongShardError(error), error.currentEpoch); // true 4
 * ```
 * @category Sharding
 */
export class WrongShardError extends KeelError {
  override readonly name = 'WrongShardError' as const;
  readonly code = 'KEEL_WRONG_SHARD' as const;

  constructor(
    /** The key of the refused request. */
    readonly key: string,
    /** The shard the request was sent to. */
    readonly shard: string,
    /** The epoch of the map the router used. */
    readonly routedEpoch: number,
    /** The epoch of the current map. */
    readonly currentEpoch: number,
    options?: KeelErrorOptions,
  ) {
    super(
      `Key ${JSON.stringify(key)} was routed to shard ${JSON.stringify(shard)} with shard map epoch ${routedEpoch}, but the current epoch is ${currentEpoch}: refresh the map and retry`,
      options,
    );
  }
}

/**
 * True when `error` is a {@link WrongShardError}.
 * @example
 * ```ts
 * import { isWrongShardError } from '@keel/core/sharding';
 * console.log(isWrongShardError(new Error('x'))); // false
 * ```
 * @category Sharding
 */
export const isWrongShardError = (error: unknown): error is WrongShardError =>
  hasErrorCode(error, 'KEEL_WRONG_SHARD');

/**
 * Thrown when a change to a range shard map is not possible: splitting at an existing boundary,
 * merging ranges owned by different shards, publishing an epoch that is not newer.
 *
 * @example
 * ```ts
 * import { isShardMapChangeError, RangeShardMap } from '@keel/core/sharding';
 * try {
 *   RangeShardMap.single('s0').split('');
 * } catch (error) {
 *   console.log(isShardMapChangeError(error)); // true
 * }
 * ```
 * @category Sharding
 */
export class ShardMapChangeError extends KeelError {
  override readonly name = 'ShardMapChangeError' as const;
  readonly code = 'KEEL_SHARD_MAP_CHANGE' as const;

  constructor(
    /** What was attempted, such as `split` or `publish`. */
    readonly operation: string,
    /** Why it is refused. */
    readonly reason: string,
    options?: KeelErrorOptions,
  ) {
    super(`Cannot ${operation} the shard map: ${reason}`, options);
  }
}

/**
 * True when `error` is a {@link ShardMapChangeError}.
 * @example
 * ```ts
 * import { isShardMapChangeError } from '@keel/core/sharding';
 * console.log(isShardMapChangeError(new Error('x'))); // false
 * ```
 * @category Sharding
 */
export const isShardMapChangeError = (error: unknown): error is ShardMapChangeError =>
  hasErrorCode(error, 'KEEL_SHARD_MAP_CHANGE');
