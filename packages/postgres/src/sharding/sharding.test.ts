import { isInvalidOptionError } from '@keel/core/errors';
import { isShardMapChangeError, isWrongShardError } from '@keel/core/sharding';
import { probeService } from '@keel/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addShard, installShards, type MoveReport, moveRange, splitRange } from './admin.js';
import { PostgresShardRouter } from './router.js';

const config = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

const service = await probeService('postgres', async () => {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    await client.query('SELECT 1');
  } finally {
    await client.end();
  }
});

const run = `keel_shard_${process.pid}_${Date.now().toString(36)}`;
const controlSchema = `${run}_ctl`;
const shards = [`${run}_s0`, `${run}_s1`, `${run}_s2`] as const;
const layout = { controlSchema, table: 'items' };
const createTable = (table: string) => `CREATE TABLE ${table} (key text PRIMARY KEY, value bigint NOT NULL)`;

describe.skipIf(!service.available)('PostgreSQL shard router against a live server', () => {
  const pool = new pg.Pool({ ...config, max: 12 });

  beforeAll(async () => {
    await installShards(pool, {
      ...layout,
      shards: [shards[0], shards[1]],
      splits: ['m'],
      createTable,
    });
    // The third shard starts empty: it owns nothing until a range moves to it.
    await addShard(pool, { ...layout, createTable }, shards[2]);
  });

  afterAll(async () => {
    const client = await pool.connect();
    try {
      for (const schema of [controlSchema, ...shards])
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      client.release();
    }
    await pool.end();
  });

  async function rowsByShard(): Promise<Map<string, { shard: string; value: number }[]>> {
    const found = new Map<string, { shard: string; value: number }[]>();
    for (const shard of shards) {
      const { rows } = await pool.query<{ key: string; value: string }>(
        `SELECT key, value FROM "${shard}".items`,
      );
      for (const row of rows) {
        const list = found.get(row.key) ?? [];
        list.push({ shard, value: Number(row.value) });
        found.set(row.key, list);
      }
    }
    return found;
  }

  it('routes by the map, splits without disturbing routers and refuses a stale shard', async () => {
    const router = await PostgresShardRouter.connect(pool, layout);
    expect(router.map.epoch).toBe(1);
    const put = (key: string, value: number) =>
      router.withShard(key, async ({ client, table, shard }) => {
        await client.query(`INSERT INTO ${table} (key, value) VALUES ($1, $2)`, [key, value]);
        return shard;
      });
    expect(await put('apple', 1)).toBe(shards[0]);
    expect(await put('zebra', 2)).toBe(shards[1]);

    const split = await splitRange(pool, layout, 'x');
    expect(split.epoch).toBe(2);
    // A split moves nothing: the epoch-1 router still writes without refreshing.
    expect(await put('yak', 3)).toBe(shards[1]);
    expect(router.map.epoch).toBe(1);

    // A router that cannot refresh, holding epoch 2, is refused once the range has moved.
    const stale = await PostgresShardRouter.connect(pool, { ...layout, maxRefreshes: 0 });
    await moveRange(pool, layout, 'x', shards[2]);
    let ran = false;
    const error = await stale
      .withShard('yak', async () => {
        ran = true;
      })
      .catch((e: unknown) => e);
    expect(isWrongShardError(error)).toBe(true);
    expect(error).toMatchObject({ shard: shards[1], routedEpoch: 2, currentEpoch: 3 });
    expect(ran).toBe(false);
    // The ordinary router refreshes and finds the key on its new shard.
    expect(
      await router.withShard('yak', async ({ client, table, shard }) => {
        const { rows } = await client.query<{ value: string }>(`SELECT value FROM ${table} WHERE key = $1`, [
          'yak',
        ]);
        return `${shard}:${rows[0]?.value}`;
      }),
    ).toBe(`${shards[2]}:3`);
    expect(router.map.epoch).toBe(3);
  });

  it('moves a range online while writers run: nothing lost, nothing duplicated', async () => {
    // Seed the range [m, x) on s1 (plus keys elsewhere) through the router.
    const seeder = await PostgresShardRouter.connect(pool, layout);
    const letters = 'abcdefghijklmnopqrstuvw';
    const expected = new Map<string, number>();
    for (let i = 0; i < 600; i++) {
      const key = `${letters[i % letters.length]}-seed-${i}`;
      await seeder.withShard(key, ({ client, table }) =>
        client.query(`INSERT INTO ${table} (key, value) VALUES ($1, $2)`, [key, i]),
      );
      expected.set(key, i);
    }
    const before = await rowsByShard();

    // Four writers, each with its own router whose map will go stale during the move. Each
    // inserts fresh keys, increments counters and deletes seed keys, recording only what was
    // acknowledged.
    let stop = false;
    const refreshes: number[] = [];
    const deleted = new Set<string>();
    const counters = new Map<string, number>();
    const writer = async (id: number) => {
      const router = await PostgresShardRouter.connect(pool, { ...layout, maxRefreshes: 5 });
      router.refreshed(() => refreshes.push(id));
      for (let i = 0; !stop || i < 40; i++) {
        const letter = letters[(i * 7 + id) % letters.length]!;
        const key = `${letter}-w${id}-${i}`;
        await router.withShard(key, ({ client, table }) =>
          client.query(`INSERT INTO ${table} (key, value) VALUES ($1, $2)`, [key, i]),
        );
        expected.set(key, i);
        const counter = `p-counter-${i % 5}`;
        await router.withShard(counter, ({ client, table }) =>
          client.query(
            `INSERT INTO ${table} (key, value) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET value = ${table}.value + 1`,
            [counter],
          ),
        );
        counters.set(counter, (counters.get(counter) ?? 0) + 1);
        const victim = `${letters[(i + id) % letters.length]}-seed-${(i * 4 + id) % 600}`;
        if (expected.has(victim) && victim.startsWith(letters[((i * 4 + id) % 600) % letters.length]!)) {
          await router.withShard(victim, ({ client, table }) =>
            client.query(`DELETE FROM ${table} WHERE key = $1`, [victim]),
          );
          deleted.add(victim);
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);

    // While they write: split [m, x) at p and move [p, x) from s1 to s2, then [m, p) to s0.
    let first: MoveReport;
    let second: MoveReport;
    try {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await splitRange(pool, layout, 'p');
      first = await moveRange(pool, { ...layout, cutoverBelow: 5 }, 'p', shards[2]);
      second = await moveRange(pool, layout, 'm', shards[0]);
    } finally {
      stop = true;
      await Promise.allSettled(writers);
    }
    await Promise.all(writers);

    expect(first).toMatchObject({ start: 'p', end: 'x', from: shards[1], to: shards[2] });
    expect(first.copied).toBeGreaterThan(0);
    expect(second).toMatchObject({ start: 'm', end: 'p', from: shards[1], to: shards[0] });
    expect(second.epoch).toBe(first.epoch + 1);
    if (process.env['KEEL_SHOW_MOVES'])
      console.log(JSON.stringify({ first, second, refreshes: refreshes.length, keys: expected.size }));
    // Every writer's router met a WrongShard and refreshed at least once.
    expect(new Set(refreshes)).toEqual(new Set([0, 1, 2, 3]));

    const after = await rowsByShard();
    const map = (await PostgresShardRouter.connect(pool, layout)).map;
    for (const [key, copies] of after) {
      expect(copies, key).toHaveLength(1); // no key on two shards
      expect(copies[0]!.shard, key).toBe(map.getShard(key)); // and on the shard the map names
    }
    for (const [key, value] of expected) {
      if (deleted.has(key)) expect(after.has(key), key).toBe(false);
      else expect(after.get(key)?.[0]?.value, key).toBe(value);
    }
    for (const [counter, count] of counters) expect(after.get(counter)?.[0]?.value, counter).toBe(count);
    const untouched = [...before.keys()].filter((k) => !expected.has(k));
    for (const key of untouched) expect(after.has(key)).toBe(true);
    expect(after.size).toBe(expected.size - deleted.size + counters.size + untouched.length);
    // The old owner keeps nothing of the moved ranges.
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM "${shards[1]}".items WHERE key >= 'm' AND key < 'x'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('refuses moves and options that make no sense', async () => {
    expect(
      isShardMapChangeError(await moveRange(pool, layout, 'q', shards[0]).catch((e: unknown) => e)),
    ).toBe(true);
    expect(
      isShardMapChangeError(await moveRange(pool, layout, 'm', shards[0]).catch((e: unknown) => e)),
    ).toBe(true);
    const bad: [() => Promise<unknown>, string][] = [
      [() => PostgresShardRouter.connect(pool, { ...layout, maxRefreshes: -1 }), 'maxRefreshes'],
      [() => PostgresShardRouter.connect(pool, { ...layout, table: 'no spaces' }), 'table'],
      [() => PostgresShardRouter.connect(pool, { ...layout, extra: 1 } as never), 'options.extra'],
      [() => moveRange(pool, { ...layout, cutoverBelow: -1 }, 'm', shards[1]), 'cutoverBelow'],
      [() => moveRange(pool, layout, 'm', 'bad name'), 'to'],
      [() => installShards(pool, { ...layout, shards: [], createTable: () => '' }), 'shards'],
      [() => installShards(pool, { ...layout, shards: ['a'] } as never), 'createTable'],
      [() => addShard(pool, { ...layout, createTable }, 'bad name'), 'shard'],
      [() => addShard(pool, layout as never, 'fine'), 'createTable'],
    ];
    for (const [attempt, field] of bad) {
      const error = await attempt().catch((e: unknown) => e);
      expect(isInvalidOptionError(error), field).toBe(true);
      expect((error as { field: string }).field).toBe(field);
    }
  });
});
