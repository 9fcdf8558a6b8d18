import type { Event } from '@keel/core/events';
import { check } from '@keel/core/options';
import {
  RangeShardMap,
  type RangeShardMapJson,
  type ShardMapRefreshed,
  type ShardRoute,
  ShardRouter,
  WrongShardError,
} from '@keel/core/sharding';
import { type ShardLayout, type ShardLayoutOptions, shardLayout } from './layout.js';
import { inTransaction, type PostgresShardClient, type PostgresShardPool } from './sql.js';

/**
 * Options of {@link PostgresShardRouter}.
 * @category Sharding
 */
export interface PostgresShardRouterOptions extends ShardLayoutOptions {
  /**
   * Refresh-and-retry rounds after a {@link WrongShardError} before it is passed on.
   * @default 3
   */
  readonly maxRefreshes?: number;
}

/**
 * Defaults of {@link PostgresShardRouterOptions}.
 * @example
 * ```ts
 * import { DEFAULT_POSTGRES_SHARD_ROUTER_OPTIONS } from '@keel/postgres';
 * console.log(DEFAULT_POSTGRES_SHARD_ROUTER_OPTIONS.maxRefreshes); // 3
 * ```
 * @category Sharding
 */
export const DEFAULT_POSTGRES_SHARD_ROUTER_OPTIONS = { keyColumn: 'key', maxRefreshes: 3 } as const;

/**
 * What a routed operation receives: the transaction's client and the shard it runs on.
 * @category Sharding
 */
export interface ShardContext {
  /** The client, inside a transaction that holds the shard's ownership of the key. */
  readonly client: PostgresShardClient;
  /** The shard id, which is also its schema name. */
  readonly shard: string;
  /** The quoted, schema-qualified table on this shard, ready to put in SQL. */
  readonly table: string;
  /** The epoch of the map that routed the call. */
  readonly epoch: number;
}

/**
 * Reads the current shard map from the control schema, with a pool or inside a transaction.
 * @example
 * ```ts
 * import pg from 'pg';
 * import { readShardMap } from '@keel/postgres';
 * const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test' });
 * const map = await readShardMap(pool, { controlSchema: 'app_shards', table: 'items' });
 * console.log(map.epoch);
 * ```
 * @category Sharding
 */
export async function readShardMap(
  client: PostgresShardClient | PostgresShardPool,
  layoutOrOptions: ShardLayout | ShardLayoutOptions,
): Promise<RangeShardMap> {
  const layout = 'mapTable' in layoutOrOptions ? layoutOrOptions : shardLayout(layoutOrOptions);
  const run = async (c: PostgresShardClient) => {
    const { rows } = await c.query<{ map: RangeShardMapJson }>(
      `SELECT map FROM ${layout.mapTable} WHERE id = 1`,
    );
    if (rows.length === 0) throw new Error(`no shard map in ${layout.mapTable}: install the shards first`);
    return RangeShardMap.fromJSON(rows[0]!.map);
  };
  if ('release' in client) return run(client);
  const c = await client.connect();
  try {
    return await run(c);
  } finally {
    c.release();
  }
}

/**
 * Routes operations on a range-sharded table whose shards are schemas of one PostgreSQL server.
 *
 * Each call runs in a transaction on the shard its map names. The transaction first takes a
 * shared lock on the shard's ownership fence row for the key's range; when the shard no longer
 * owns the key, or took it over after the router's epoch, it rolls back with
 * {@link WrongShardError}, and the router reloads the map and retries on the new owner. An online
 * move ({@link moveRange}) takes the fence row exclusively to cut over, so a write either commits
 * on the old owner before the cut-over (and is carried over) or is refused and retried.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { PostgresShardRouter } from '@keel/postgres';
 * const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test' });
 * const router = await PostgresShardRouter.connect(pool, { controlSchema: 'app_shards', table: 'items' });
 * await router.withShard('user:42', ({ client, table }) =>
 *   client.query(`INSERT INTO ${table} (key, value) VALUES ($1, $2)`, ['user:42', 1]),
 * );
 * ```
 * @category Sharding
 */
export class PostgresShardRouter {
  private readonly router: ShardRouter<string, RangeShardMap>;
  /** Names of the tables this router works on. */
  readonly layout: ShardLayout;

  private constructor(
    private readonly pool: PostgresShardPool,
    layout: ShardLayout,
    initial: RangeShardMap,
    maxRefreshes: number,
  ) {
    this.layout = layout;
    this.router = new ShardRouter(initial, () => readShardMap(pool, layout), { maxRefreshes });
  }

  /** Loads the current shard map and returns a router holding it. */
  static async connect(
    pool: PostgresShardPool,
    options: PostgresShardRouterOptions,
  ): Promise<PostgresShardRouter> {
    const layout = shardLayout(options, ['maxRefreshes']);
    const maxRefreshes = check.integer(
      'maxRefreshes',
      options.maxRefreshes,
      DEFAULT_POSTGRES_SHARD_ROUTER_OPTIONS.maxRefreshes,
      {
        min: 0,
      },
    );
    return new PostgresShardRouter(pool, layout, await readShardMap(pool, layout), maxRefreshes);
  }

  /** The map this router currently routes with. */
  get map(): RangeShardMap {
    return this.router.map;
  }

  /** Fires when the router adopts a newer map after a {@link WrongShardError}. */
  get refreshed(): Event<ShardMapRefreshed> {
    return this.router.refreshed;
  }

  /** The shard and epoch the held map gives for `key`. */
  route(key: string): ShardRoute {
    return this.router.route(key);
  }

  /** Reloads the map now. */
  refresh(): Promise<RangeShardMap> {
    return this.router.refresh();
  }

  /**
   * Runs `operation` in a transaction on the shard owning `key`, after checking the shard's fence.
   * Retries on the new owner after a move. The operation must touch only rows with this key (or
   * keys of the same range), and may run more than once only if it was refused before it ran.
   */
  withShard<T>(key: string, operation: (context: ShardContext) => Promise<T>): Promise<T> {
    return this.router.execute(key, ({ shard, epoch }) =>
      inTransaction(this.pool, async (client) => {
        const fence = () =>
          client.query<{ since: string }>(
            `SELECT since FROM ${this.layout.fenceIn(shard)}
              WHERE range_start <= $1 AND (range_end IS NULL OR $1 < range_end)
              FOR SHARE`,
            [key],
          );
        let { rows } = await fence();
        // A split that committed while this statement waited rewrote the row, and the new half
        // is not in this statement's snapshot: look once more before calling the route stale.
        if (rows.length === 0) ({ rows } = await fence());
        if (rows.length === 0 || Number(rows[0]!.since) > epoch) {
          const current = await client.query<{ epoch: string }>(
            `SELECT epoch FROM ${this.layout.mapTable} WHERE id = 1`,
          );
          throw new WrongShardError(key, shard, epoch, Number(current.rows[0]?.epoch ?? epoch));
        }
        return operation({ client, shard, table: this.layout.tableIn(shard), epoch });
      }),
    );
  }
}
