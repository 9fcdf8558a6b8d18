import { type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import { isWrongShardError, ShardMapChangeError } from './errors.js';
import type { ShardKey } from './hash.js';
import { checkRoute, type RangeShardMap, type VersionedPartitioner } from './range-map.js';

/**
 * Where a router sends a key: the shard and the epoch of the map that chose it.
 * @category Sharding
 */
export interface ShardRoute<S extends string = string> {
  readonly shard: S;
  readonly epoch: number;
}

/**
 * Emitted when a router replaces its map.
 * @category Sharding
 */
export interface ShardMapRefreshed {
  readonly from: number;
  readonly to: number;
}

/**
 * Options of {@link ShardRouter}.
 * @category Sharding
 */
export interface ShardRouterOptions {
  /**
   * How many times one call may refresh the map and retry after a {@link WrongShardError}
   * before the error is passed on.
   * @default 3
   */
  readonly maxRefreshes?: number;
}

/**
 * Defaults of {@link ShardRouterOptions}.
 * @example
 * ```ts
 * import { DEFAULT_SHARD_ROUTER_OPTIONS } from '@keel/core/sharding';
 * console.log(DEFAULT_SHARD_ROUTER_OPTIONS.maxRefreshes); // 3
 * ```
 * @category Sharding
 */
export const DEFAULT_SHARD_ROUTER_OPTIONS = {
  maxRefreshes: 3,
} as const satisfies Required<ShardRouterOptions>;

/**
 * A client-side router over an epoch-versioned shard map. It routes with the map it holds; when
 * a shard answers {@link WrongShardError} it fetches the current map (one fetch shared by every
 * concurrent caller), and retries the call on the new owner.
 *
 * @example
 * ```ts
 * import { RangeShardMap, ShardMapAuthority, ShardRouter } from '@keel/core/sharding';
 * const authority = new ShardMapAuthority(RangeShardMap.single('s0'));
 * const router = new ShardRouter(authority.current, () => authority.current);
 * const stored = await router.execute('k', ({ shard, epoch }) => {
 *   authority.validate('k', shard, epoch);
 *   return shard;
 * });
 * console.log(stored); // 's0'
 * ```
 * @category Sharding
 */
export class ShardRouter<
  S extends string = string,
  M extends VersionedPartitioner<S> = VersionedPartitioner<S>,
> {
  private held: M;
  private pending: Promise<M> | undefined;
  private readonly maxRefreshes: number;
  private readonly refreshedEmitter = new EventEmitter<ShardMapRefreshed>();
  /** Fires whenever the router adopts a newer map. */
  readonly refreshed: Event<ShardMapRefreshed> = this.refreshedEmitter.event;

  constructor(
    initial: M,
    private readonly fetchMap: () => M | PromiseLike<M>,
    options: ShardRouterOptions = {},
  ) {
    checkKnownKeys('options', options, Object.keys(DEFAULT_SHARD_ROUTER_OPTIONS));
    this.maxRefreshes = check.integer(
      'maxRefreshes',
      options.maxRefreshes,
      DEFAULT_SHARD_ROUTER_OPTIONS.maxRefreshes,
      {
        min: 0,
      },
    );
    check.func('fetchMap', fetchMap);
    this.held = initial;
  }

  /** The map currently used for routing. */
  get map(): M {
    return this.held;
  }

  /** The shard for `key` under the held map, with that map's epoch. */
  route(key: ShardKey): ShardRoute<S> {
    return { shard: this.held.getShard(key), epoch: this.held.epoch };
  }

  /** Fetches the current map and adopts it if it is newer than the held one. */
  async refresh(): Promise<M> {
    if (!this.pending) {
      this.pending = (async () => {
        try {
          const next = await this.fetchMap();
          if (next.epoch > this.held.epoch) {
            const from = this.held.epoch;
            this.held = next;
            this.refreshedEmitter.emit({ from, to: next.epoch });
          }
          return this.held;
        } finally {
          this.pending = undefined;
        }
      })();
    }
    return this.pending;
  }

  /**
   * Runs `operation` against the shard that owns `key`; on {@link WrongShardError} refreshes the
   * map and runs it again on the new owner, up to `maxRefreshes` times. The operation must have
   * had no effect when it throws WrongShardError (shards check before they write).
   */
  async execute<T>(key: ShardKey, operation: (route: ShardRoute<S>) => T | PromiseLike<T>): Promise<T> {
    for (let refreshes = 0; ; refreshes++) {
      const route = this.route(key);
      try {
        return await operation(route);
      } catch (error) {
        if (!isWrongShardError(error) || refreshes >= this.maxRefreshes) throw error;
        await this.refresh();
      }
    }
  }
}

/**
 * Emitted when the authority publishes a new map.
 * @category Sharding
 */
export interface ShardMapPublished<S extends string = string> {
  readonly previous: RangeShardMap<S>;
  readonly current: RangeShardMap<S>;
}

/**
 * The single source of truth for a range shard map, in memory: publishes new epochs and validates
 * requests. A storage-backed deployment keeps the same roles in its database (see
 * `@keel/postgres`).
 *
 * @example
 * ```ts
 * import { RangeShardMap, ShardMapAuthority } from '@keel/core/sharding';
 * const authority = new ShardMapAuthority(RangeShardMap.single('s0'));
 * authority.publish(authority.current.split('m').reassign('m', 's1'));
 * console.log(authority.current.epoch); // 3
 * ```
 * @category Sharding
 */
export class ShardMapAuthority<S extends string = string> {
  private map: RangeShardMap<S>;
  private readonly publishedEmitter = new EventEmitter<ShardMapPublished<S>>();
  /** Fires after every publish. */
  readonly published: Event<ShardMapPublished<S>> = this.publishedEmitter.event;

  constructor(initial: RangeShardMap<S>) {
    this.map = initial;
  }

  /** The current map. */
  get current(): RangeShardMap<S> {
    return this.map;
  }

  /** Makes `next` current; its epoch must be larger than the current one. */
  publish(next: RangeShardMap<S>): void {
    if (next.epoch <= this.map.epoch)
      throw new ShardMapChangeError('publish', `epoch ${next.epoch} is not newer than ${this.map.epoch}`);
    const previous = this.map;
    this.map = next;
    this.publishedEmitter.emit({ previous, current: next });
  }

  /** Throws {@link WrongShardError} unless `shard` may serve `key` for a router at `routedEpoch`. */
  validate(key: ShardKey, shard: S, routedEpoch: number): void {
    checkRoute(this.map, key, shard, routedEpoch);
  }
}
