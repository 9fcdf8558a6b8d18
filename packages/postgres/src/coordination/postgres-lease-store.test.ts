import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { systemClock } from '@keel/core/clock';
import {
  isStaleFencingTokenError,
  LeaseLockProvider,
  lockContract,
  PartitionableLeaseStore,
} from '@keel/core/distributed-lock';
import { electionContract, LeaderElector } from '@keel/core/leader-election';
import { registryContract } from '@keel/core/service-discovery';
import { invalidOptionField, probeService, runContract } from '@keel/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAdvisoryLock } from './postgres-advisory-lock.js';
import { PostgresFencedTable } from './postgres-fenced-table.js';
import { PostgresLeaseStore } from './postgres-lease-store.js';
import { PostgresRegistryStore } from './postgres-registry-store.js';

// The test runner starts Node with `--conditions import`, so pg's own `require('pg-pool')`
// picks pg-pool's ESM wrapper and gets a module namespace instead of the class. Seed the
// require cache with the CommonJS build under the wrapper's path before loading pg.
const require = createRequire(import.meta.url);
const poolPath = require.resolve('pg-pool');
if (poolPath.endsWith('.mjs')) {
  const exports: unknown = require(join(dirname(poolPath), '..', 'index.js'));
  require.cache[poolPath] = { id: poolPath, filename: poolPath, loaded: true, exports } as NodeJS.Module;
}
const pg = require('pg') as typeof import('pg');
const config = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
const run = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const leases = `keel_test_leases_${run}`;
const fencedName = `keel_test_fenced_${run}`;
const registryName = `keel_test_registry_${run}`;

const service = await probeService('postgres', async () => {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    await client.query('SELECT 1');
  } finally {
    await client.end();
  }
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe.skipIf(!service.available)('PostgreSQL coordination stores against a live server', () => {
  const pool = new pg.Pool({ ...config, max: 4 });
  const store = new PostgresLeaseStore(pool, { table: leases });
  const registryStore = new PostgresRegistryStore(pool, { table: registryName });

  beforeAll(async () => {
    await store.ensureSchema();
    await registryStore.ensureSchema();
  });
  afterAll(async () => {
    await pool.query(`DROP TABLE IF EXISTS ${leases}, ${fencedName}, ${registryName}`);
    await pool.end();
  });

  let caseNumber = 0;
  const subject = () => {
    const id = ++caseNumber;
    return { store, clock: systemClock, wait: sleep, key: (name: string) => `${name}-${id}` };
  };

  runContract({ describe, it }, 'postgres', lockContract, () => ({
    subject: { ...subject(), ttlMs: 300, expiryGraceMs: 40 },
  }));
  runContract({ describe, it }, 'postgres', electionContract, () => ({
    subject: { ...subject(), leaseDurationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 100 },
  }));
  runContract({ describe, it }, 'postgres', registryContract, () => {
    const { key, store: _leases, ...rest } = subject();
    return {
      subject: {
        ...rest,
        store: registryStore,
        key: (name) => `svc-${key(name)}`,
        ttlMs: 300,
        expiryGraceMs: 40,
      },
    };
  });

  it('PostgresRegistryStore judges expiry by the server clock and prunes expired rows when listing', async () => {
    const instance = { service: `prune-${run}`, id: 'gone', address: '10.0.0.9', status: 'passing' as const };
    await registryStore.put(instance, 50);
    await registryStore.put({ ...instance, id: 'kept' }, 60_000);
    expect((await registryStore.list(instance.service)).map((i) => i.id)).toEqual(['gone', 'kept']);
    await sleep(80);
    expect(await registryStore.list(instance.service)).toEqual([{ ...instance, id: 'kept' }]);
    const { rows } = await pool.query(`SELECT id FROM ${registryName} WHERE service = $1`, [
      instance.service,
    ]);
    expect(rows).toEqual([{ id: 'kept' }]);
    // An expired instance is not removed by remove(): it was already gone.
    await registryStore.put({ ...instance, id: 'late' }, 20);
    await sleep(40);
    expect(await registryStore.remove(instance.service, 'late')).toBe(false);
    expect(await registryStore.remove(instance.service, 'kept')).toBe(true);
    expect(await registryStore.remove(instance.service, 'kept')).toBe(false);
  });

  it('PostgresRegistryStore names a bad table option', () => {
    expect(invalidOptionField(() => new PostgresRegistryStore(pool, { table: 'x; DROP' }))).toBe('table');
  });

  it('PostgresFencedTable accepts the current and newer tokens and refuses older ones in one statement', async () => {
    const table = new PostgresFencedTable<{ n: number }>(pool, { table: fencedName });
    await table.ensureSchema();
    await table.write('row', 3n, { n: 1 });
    await table.write('row', 3n, { n: 2 });
    await table.write('row', 8n, { n: 3 });
    const stale = await table.write('row', 5n, { n: 4 }).catch((e: unknown) => e);
    expect(isStaleFencingTokenError(stale) && stale.highestToken).toBe(8n);
    expect(await table.read('row')).toEqual({ value: { n: 3 }, token: 8n });
    expect(await table.highestToken('none')).toBe(0n);
  });

  it('fences a lapsed lock holder end to end: lease table token, fenced row', async () => {
    const table = new PostgresFencedTable<string>(pool, { table: fencedName });
    await table.ensureSchema();
    const locks = new LeaseLockProvider(store);
    const a = await locks.acquire('e2e', { ttlMs: 100 });
    await sleep(150);
    const b = await locks.acquire('e2e', { ttlMs: 5_000 });
    await table.write('e2e', b.token, 'b');
    await expect(table.write('e2e', a.token, 'a')).rejects.toMatchObject({
      code: 'KEEL_STALE_FENCING_TOKEN',
    });
    expect((await table.read('e2e'))?.value).toBe('b');
    await b.release();
  });

  it('measures leader failover after the leader is cut off (reported, not judged)', async () => {
    const timings = { leaseDurationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 100 };
    const name = `failover-${run}`;
    const cutOff = new PartitionableLeaseStore(store);
    const first = await new LeaderElector(cutOff, name, { id: 'a', ...timings }).campaign();
    // Cut off: its renewals never arrive, as with a crashed process or a partition.
    cutOff.partition('hang');
    const stoppedAt = performance.now();
    const second = await new LeaderElector(store, name, { id: 'b', ...timings }).campaign();
    const failoverMs = performance.now() - stoppedAt;
    expect(second.epoch).toBeGreaterThan(first.epoch);
    expect(first.isLeader).toBe(false);
    console.info(
      `postgres leader failover after a crash: ${failoverMs.toFixed(0)} ms (lease 600 ms, retry 100 ms)`,
    );
    await second.resign();
  });

  it('withAdvisoryLock: exclusive per key, increasing tokens, freed after fn even when it throws', async () => {
    const sequence = `keel_test_fence_${run}`;
    const options = { fenceSequence: sequence };
    try {
      const tokens: bigint[] = [];
      const outer = await withAdvisoryLock(
        pool,
        'advisory',
        async ({ token }) => {
          tokens.push(token);
          const inner = await withAdvisoryLock(pool, 'advisory', () => 'acquired twice', options).catch(
            (e: unknown) => e,
          );
          await withAdvisoryLock(pool, 'other-key', ({ token: other }) => tokens.push(other), options);
          return inner;
        },
        options,
      );
      expect(outer).toMatchObject({ code: 'KEEL_LOCK_NOT_ACQUIRED', key: 'advisory' });
      await expect(
        withAdvisoryLock(
          pool,
          'advisory',
          ({ token }) => {
            tokens.push(token);
            throw new Error('planned');
          },
          options,
        ),
      ).rejects.toThrow('planned');
      await withAdvisoryLock(pool, 'advisory', ({ token }) => tokens.push(token), options);
      expect(tokens.every((t, i) => i === 0 || t > tokens[i - 1]!)).toBe(true);
      expect(tokens).toHaveLength(4);
    } finally {
      await pool.query(`DROP SEQUENCE IF EXISTS ${sequence}`);
    }
  });

  it('rejects a bad table name and unknown options', () => {
    const bad: [string, () => unknown][] = [
      ['table', () => new PostgresLeaseStore(pool, { table: 'x; DROP TABLE y' })],
      ['PostgresLeaseStore.tabel', () => new PostgresLeaseStore(pool, { tabel: 'x' } as never)],
      ['table', () => new PostgresFencedTable(pool, { table: '1abc' })],
    ];
    for (const [field, make] of bad) {
      expect(invalidOptionField(make)).toBe(field);
    }
  });
});
