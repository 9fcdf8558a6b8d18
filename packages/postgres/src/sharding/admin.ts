import { type Clock, systemClock } from '@keel/core/clock';
import { InvalidOptionError } from '@keel/core/errors';
import { check } from '@keel/core/options';
import { RangeShardMap, ShardMapChangeError } from '@keel/core/sharding';
import { type ShardLayout, type ShardLayoutOptions, shardLayout, shardName } from './layout.js';
import { readShardMap } from './router.js';
import {
  ident,
  inRange,
  inTransaction,
  literal,
  type PostgresShardClient,
  type PostgresShardPool,
} from './sql.js';

/**
 * Options of {@link installShards}.
 * @category Sharding
 */
export interface InstallShardsOptions extends ShardLayoutOptions {
  /** Shard ids, which are also the schema names; created if missing. */
  readonly shards: readonly string[];
  /** Increasing split points: range i, `[splits[i-1], splits[i])`, goes to `shards[i]`. @default [] */
  readonly splits?: readonly string[];
  /**
   * Creates the table in one shard schema, given its quoted qualified name. The key column must
   * be text and unique.
   */
  readonly createTable: (qualifiedTable: string) => string;
}

/**
 * Creates the control schema with the shard map (epoch 1), every shard schema with the table and
 * its ownership fence. Idempotent for the schemas; fails if a map already exists.
 * @example
 * ```ts
 * import pg from 'pg';
 * import { installShards } from '@keel/postgres';
 * const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test' });
 * await installShards(pool, {
 *   controlSchema: 'app_shards',
 *   table: 'items',
 *   shards: ['app_s0', 'app_s1'],
 *   splits: ['m'],
 *   createTable: (t) => `CREATE TABLE ${t} (key text PRIMARY KEY, value bigint NOT NULL)`,
 * });
 * ```
 * @category Sharding
 */
export async function installShards(
  pool: PostgresShardPool,
  options: InstallShardsOptions,
): Promise<RangeShardMap> {
  const layout = shardLayout(options, ['shards', 'splits', 'createTable']);
  const shards = (Array.isArray(options.shards) ? options.shards : []).map((s, i) =>
    shardName(`shards[${i}]`, s),
  );
  if (shards.length === 0) check.string('shards', undefined);
  const createTable = check.func<(t: string) => string>('createTable', options.createTable)!;
  if (!createTable) check.func('createTable', null);
  const map = RangeShardMap.fromSplits(options.splits ?? [], shards);
  await inTransaction(pool, async (client) => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(layout.controlSchema)}`);
    await client.query(
      `CREATE TABLE ${layout.mapTable} (id int PRIMARY KEY CHECK (id = 1), epoch bigint NOT NULL, map jsonb NOT NULL)`,
    );
    await client.query(`INSERT INTO ${layout.mapTable} (id, epoch, map) VALUES (1, $1, $2)`, [
      map.epoch,
      JSON.stringify(map.toJSON()),
    ]);
    for (const shard of new Set(shards)) await createShard(client, layout, shard, createTable);
    for (const range of map.ranges)
      await client.query(`INSERT INTO ${layout.fenceIn(range.shard)} VALUES ($1, $2, $3)`, [
        range.start,
        range.end ?? null,
        range.since,
      ]);
  });
  return map;
}

async function createShard(
  client: PostgresShardClient,
  layout: ShardLayout,
  shard: string,
  createTable: (qualifiedTable: string) => string,
): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(shard)}`);
  await client.query(createTable(layout.tableIn(shard)));
  await client.query(
    `CREATE TABLE ${layout.fenceIn(shard)} (
       range_start text COLLATE "C" PRIMARY KEY,
       range_end text COLLATE "C",
       since bigint NOT NULL)`,
  );
}

/**
 * Options of {@link addShard}.
 * @category Sharding
 */
export interface AddShardOptions extends ShardLayoutOptions {
  /** Creates the table in the new shard schema, as for {@link installShards}. */
  readonly createTable: (qualifiedTable: string) => string;
}

/**
 * Creates an empty shard (its schema, table and ownership fence) that ranges can then be moved
 * to with {@link moveRange}. It owns nothing until then, so routers never send it anything.
 * @example
 * ```ts
 * import pg from 'pg';
 * import { addShard } from '@keel/postgres';
 * const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test' });
 * await addShard(pool, {
 *   controlSchema: 'app_shards',
 *   table: 'items',
 *   createTable: (t) => `CREATE TABLE ${t} (key text PRIMARY KEY, value bigint NOT NULL)`,
 * }, 'app_s2');
 * ```
 * @category Sharding
 */
export async function addShard(
  pool: PostgresShardPool,
  options: AddShardOptions,
  shard: string,
): Promise<void> {
  const layout = shardLayout(options, ['createTable']);
  const createTable = check.func<(t: string) => string>('createTable', options.createTable);
  if (!createTable)
    throw new InvalidOptionError('createTable', undefined, 'a function returning CREATE TABLE');
  const name = shardName('shard', shard);
  await inTransaction(pool, (client) => createShard(client, layout, name, createTable));
}

/** Locks the map row, applies `change` to the map, writes it back; all inside `client`'s transaction. */
async function changeMap(
  client: PostgresShardClient,
  layout: ShardLayout,
  change: (map: RangeShardMap) => RangeShardMap,
): Promise<{ before: RangeShardMap; after: RangeShardMap }> {
  await client.query(`SELECT epoch FROM ${layout.mapTable} WHERE id = 1 FOR UPDATE`);
  const before = await readShardMap(client, layout);
  const after = change(before);
  await client.query(`UPDATE ${layout.mapTable} SET epoch = $1, map = $2 WHERE id = 1`, [
    after.epoch,
    JSON.stringify(after.toJSON()),
  ]);
  return { before, after };
}

/**
 * Splits the range holding `at` so that a new range starts at `at`; both halves stay on their
 * shard, and routers holding older maps stay valid. Returns the new map.
 * @example
 * ```ts
 * import pg from 'pg';
 * import { splitRange } from '@keel/postgres';
 * const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test' });
 * const map = await splitRange(pool, { controlSchema: 'app_shards', table: 'items' }, 't');
 * console.log(map.epoch);
 * ```
 * @category Sharding
 */
export async function splitRange(
  pool: PostgresShardPool,
  options: ShardLayoutOptions,
  at: string,
): Promise<RangeShardMap> {
  const layout = shardLayout(options);
  check.string('at', at);
  return inTransaction(pool, async (client) => {
    const { before, after } = await changeMap(client, layout, (map) => map.split(at));
    const range = before.rangeOf(at);
    const fence = layout.fenceIn(range.shard);
    // Waits for writers holding the fence row, so none straddles the split.
    await client.query(`UPDATE ${fence} SET range_end = $2 WHERE range_start = $1`, [range.start, at]);
    await client.query(`INSERT INTO ${fence} VALUES ($1, $2, $3)`, [at, range.end ?? null, range.since]);
    return after;
  });
}

/**
 * Options of {@link moveRange}.
 * @category Sharding
 */
export interface MoveRangeOptions extends ShardLayoutOptions {
  /**
   * Catch-up rounds before cutting over: each copies the keys written since the last round.
   * The cut-over starts early once a round carries at most `cutoverBelow` keys.
   * @default 10
   */
  readonly maxCatchUpRounds?: number;
  /**
   * Cut over once a catch-up round carried at most this many keys; writers to the range wait
   * for the last (short) round.
   * @default 100
   */
  readonly cutoverBelow?: number;
  /** Times the phases in the returned report. @default systemClock */
  readonly clock?: Clock;
}

/**
 * Defaults of {@link MoveRangeOptions}.
 * @example
 * ```ts
 * import { DEFAULT_MOVE_RANGE_OPTIONS } from '@keel/postgres';
 * console.log(DEFAULT_MOVE_RANGE_OPTIONS.cutoverBelow); // 100
 * ```
 * @category Sharding
 */
export const DEFAULT_MOVE_RANGE_OPTIONS = { maxCatchUpRounds: 10, cutoverBelow: 100 } as const;

/**
 * What an online move did.
 * @category Sharding
 */
export interface MoveReport {
  readonly start: string;
  readonly end: string | undefined;
  readonly from: string;
  readonly to: string;
  /** Rows copied in the bulk copy. */
  readonly copied: number;
  /** Keys carried over by each catch-up round, the last one during the cut-over. */
  readonly catchUp: readonly number[];
  /** The epoch of the map after the move. */
  readonly epoch: number;
  /** How long writers to the range were held at the cut-over, in ms. */
  readonly cutoverMs: number;
}

/**
 * Moves the range starting at `start` to shard `to` while writers keep writing.
 *
 * 1. Capture: a trigger on the source table records the key of every row of the range that is
 *    inserted, updated or deleted, in a change-log table. (Chosen over double writes because it
 *    needs nothing from the application and also sees writes that bypass the router.)
 * 2. Copy: one `INSERT ... SELECT` copies the range's rows as of a snapshot.
 * 3. Catch up: repeatedly take the logged keys and copy their current rows (or their absence) to
 *    the destination; idempotent, so a key logged twice or copied already is harmless.
 * 4. Cut over, in one transaction: lock the source's fence row (waiting for writers in flight and
 *    holding off new ones), carry over the last logged keys, hand the fence to the destination
 *    with the new epoch and publish the new map. Writers held at the fence then find it gone and
 *    get WrongShardError; their routers reload the map and retry on the destination.
 * 5. Clean up: drop the trigger, the log entries and the source's copy of the range.
 *
 * Run one move or split at a time per table.
 * @example
 * ```ts
 * import pg from 'pg';
 * import { moveRange } from '@keel/postgres';
 * const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test' });
 * const report = await moveRange(pool, { controlSchema: 'app_shards', table: 'items' }, 't', 'app_s2');
 * console.log(report.copied, report.catchUp, report.epoch);
 * ```
 * @category Sharding
 */
export async function moveRange(
  pool: PostgresShardPool,
  options: MoveRangeOptions,
  start: string,
  to: string,
): Promise<MoveReport> {
  const layout = shardLayout(options, ['maxCatchUpRounds', 'cutoverBelow', 'clock']);
  const maxRounds = check.integer(
    'maxCatchUpRounds',
    options.maxCatchUpRounds,
    DEFAULT_MOVE_RANGE_OPTIONS.maxCatchUpRounds,
    {
      min: 0,
    },
  );
  const cutoverBelow = check.integer(
    'cutoverBelow',
    options.cutoverBelow,
    DEFAULT_MOVE_RANGE_OPTIONS.cutoverBelow,
    { min: 0 },
  );
  check.object('clock', options.clock);
  const clock = options.clock ?? systemClock;
  const target = shardName('to', to);

  const current = await readShardMap(pool, layout);
  const range = current.ranges.find((r) => r.start === start);
  if (!range)
    throw new ShardMapChangeError('move', `no range starts at ${JSON.stringify(start)}; split first`);
  if (range.shard === target) throw new ShardMapChangeError('move', `the range is already on ${target}`);
  const from = range.shard;
  const source = layout.tableIn(from);
  const destination = layout.tableIn(target);
  const changes = layout.changesIn(from);
  const key = layout.key;
  const bounds = [range.start, range.end ?? null];

  // 1. Capture. CREATE TRIGGER waits for writers in flight on the table, so every write that
  // commits after this statement is logged.
  await inTransaction(pool, async (client) => {
    await client.query(`CREATE TABLE IF NOT EXISTS ${changes} (id bigserial PRIMARY KEY, key text NOT NULL)`);
    await client.query(`DELETE FROM ${changes}`);
    const condition = (row: string) =>
      `${row}.${key} COLLATE "C" >= ${literal(range.start)}${
        range.end === undefined ? '' : ` AND ${row}.${key} COLLATE "C" < ${literal(range.end)}`
      }`;
    await client.query(
      `CREATE OR REPLACE FUNCTION ${layout.captureIn(from)}() RETURNS trigger LANGUAGE plpgsql AS $body$
       BEGIN
         IF TG_OP <> 'INSERT' AND ${condition('OLD')} THEN INSERT INTO ${changes} (key) VALUES (OLD.${key}); END IF;
         IF TG_OP <> 'DELETE' AND ${condition('NEW')} THEN INSERT INTO ${changes} (key) VALUES (NEW.${key}); END IF;
         RETURN NULL;
       END $body$`,
    );
    await client.query(`DROP TRIGGER IF EXISTS ${layout.trigger} ON ${source}`);
    await client.query(
      `CREATE TRIGGER ${layout.trigger} AFTER INSERT OR UPDATE OR DELETE ON ${source}
       FOR EACH ROW EXECUTE FUNCTION ${layout.captureIn(from)}()`,
    );
  });

  // 2. Copy, replacing anything a failed earlier attempt left at the destination.
  const copied = await inTransaction(pool, async (client) => {
    await client.query(`DELETE FROM ${destination} WHERE ${inRange(key, '$1', '$2')}`, bounds);
    const result = await client.query(
      `INSERT INTO ${destination} SELECT * FROM ${source} WHERE ${inRange(key, '$1', '$2')}`,
      bounds,
    );
    return result.rowCount ?? 0;
  });

  // 3. Catch up.
  const carryOver = async (client: PostgresShardClient): Promise<number> => {
    const { rows } = await client.query<{ key: string }>(`DELETE FROM ${changes} RETURNING key`);
    if (rows.length === 0) return 0;
    const keys = [...new Set(rows.map((r) => r.key))];
    await client.query(`DELETE FROM ${destination} WHERE ${key} = ANY($1)`, [keys]);
    await client.query(`INSERT INTO ${destination} SELECT * FROM ${source} WHERE ${key} = ANY($1)`, [keys]);
    return keys.length;
  };
  const catchUp: number[] = [];
  for (let round = 0; round < maxRounds; round++) {
    const carried = await inTransaction(pool, carryOver);
    catchUp.push(carried);
    if (carried <= cutoverBelow) break;
  }

  // 4. Cut over.
  let cutoverMs = 0;
  const after = await inTransaction(pool, async (client) => {
    const fenced = await client.query(
      `SELECT 1 FROM ${layout.fenceIn(from)} WHERE range_start = $1 FOR UPDATE`,
      [range.start],
    );
    const heldAt = clock.now();
    if (fenced.rows.length === 0) throw new ShardMapChangeError('move', `${from} no longer owns the range`);
    catchUp.push(await carryOver(client));
    const { after } = await changeMap(client, layout, (map) => {
      if (map.rangeOf(start).start !== start || map.getShard(start) !== from)
        throw new ShardMapChangeError('move', 'the shard map changed during the move');
      return map.reassign(start, target);
    });
    await client.query(`DELETE FROM ${layout.fenceIn(from)} WHERE range_start = $1`, [range.start]);
    await client.query(`INSERT INTO ${layout.fenceIn(target)} VALUES ($1, $2, $3)`, [...bounds, after.epoch]);
    cutoverMs = clock.now() - heldAt;
    return after;
  });

  // 5. Clean up: nothing routes to the source's copy any more.
  await inTransaction(pool, async (client) => {
    await client.query(`DROP TRIGGER IF EXISTS ${layout.trigger} ON ${source}`);
    await client.query(`DELETE FROM ${changes}`);
    await client.query(`DELETE FROM ${source} WHERE ${inRange(key, '$1', '$2')}`, bounds);
  });

  return {
    start: range.start,
    end: range.end,
    from,
    to: target,
    copied,
    catchUp,
    epoch: after.epoch,
    cutoverMs,
  };
}
