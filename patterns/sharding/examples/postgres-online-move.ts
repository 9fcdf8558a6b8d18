/**
 * An online range move between PostgreSQL schemas while a writer keeps writing. The move logs
 * concurrent writes with a trigger, copies, catches up, and cuts over by bumping the epoch; the
 * writer's router gets WrongShardError once, reloads the map and carries on. Uses the server at
 * 127.0.0.1:5432 (database "test") and drops its schemas at the end.
 */
import { addShard, installShards, moveRange, PostgresShardRouter, splitRange } from '@keel/postgres';
import pg from 'pg';

export async function main(
  connection = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' },
) {
  const pool = new pg.Pool({ ...connection, max: 6 });
  const prefix = `keel_example_${process.pid}_${Math.floor(performance.now())}`;
  const layout = { controlSchema: `${prefix}_map`, table: 'accounts' };
  const [east, west] = [`${prefix}_east`, `${prefix}_west`];
  try {
    const createTable = (table: string) =>
      `CREATE TABLE ${table} (key text PRIMARY KEY, balance bigint NOT NULL)`;
    await installShards(pool, { ...layout, shards: [east], createTable });
    await addShard(pool, { ...layout, createTable }, west); // empty until a range moves there

    const router = await PostgresShardRouter.connect(pool, layout);
    let refreshes = 0;
    router.refreshed(() => refreshes++);
    const deposit = (account: string) =>
      router.withShard(account, ({ client, table }) =>
        client.query(
          `INSERT INTO ${table} (key, balance) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET balance = ${table}.balance + 1`,
          [account],
        ),
      );

    const accounts = Array.from({ length: 20 }, (_, i) => `acct-${String(i).padStart(2, '0')}`);
    let deposits = 0;
    for (const account of accounts) {
      await deposit(account); // open every account before the move
      deposits++;
    }
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing || i < 100; i++) {
        await deposit(accounts[i % accounts.length]!);
        deposits++;
      }
    })();

    await splitRange(pool, layout, 'acct-10');
    const report = await moveRange(pool, layout, 'acct-10', west);
    writing = false;
    await writer;

    const { rows } = await pool.query<{ total: string }>(
      `SELECT (SELECT coalesce(sum(balance), 0) FROM "${east}".accounts) + (SELECT coalesce(sum(balance), 0) FROM "${west}".accounts) AS total`,
    );
    const onWest = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${west}".accounts`);
    console.log(
      `moved ${report.copied} rows (+${report.catchUp.join('+')} caught up) to ${west} at epoch ${report.epoch}; ${deposits} deposits, total ${rows[0]!.total}`,
    );
    return {
      deposits,
      total: Number(rows[0]!.total),
      epoch: report.epoch,
      copied: report.copied,
      refreshes,
      accountsOnWest: onWest.rows[0]!.n,
    };
  } finally {
    for (const schema of [layout.controlSchema, east, west])
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}
