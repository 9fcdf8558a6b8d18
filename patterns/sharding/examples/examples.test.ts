import { probeService } from '@keel/core/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { main as addingANode } from './adding-a-node.js';
import { main as postgresOnlineMove } from './postgres-online-move.js';
import { main as rangeResharding } from './range-resharding.js';

const postgres = await probeService('postgres', async () => {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  await client.end();
});

describe('sharding examples', () => {
  it('adding a node: consistent schemes move about 1/5, modulo about 4/5', async () => {
    const { table, ringMoves, allToNewNode } = await addingANode();
    const row = (name: string) => table.find((r) => r.name === name)!;
    for (const name of ['ketama ring', 'jump hash', 'rendezvous', 'maglev']) {
      expect(row(name).moved).toBeGreaterThan(0.17);
      expect(row(name).moved).toBeLessThan(0.24);
      expect(row(name).balance).toBeLessThan(1.12);
    }
    expect(row('hash % n').moved).toBeGreaterThan(0.75);
    expect(allToNewNode).toBe(true);
    expect(ringMoves).toBe(Math.round(row('ketama ring').moved * 50_000));
  });

  it('range resharding: a split leaves routers alone, a move makes them refresh once', async () => {
    const result = await rangeResharding();
    expect(result.afterSplit).toBe('shard-2');
    expect(result.afterMove).toBe('shard-3');
    expect(result.value).toBe('v3');
    expect(result.refused).toEqual(['refreshed 1 -> 3']);
    expect(result.frozenError).toEqual({ routedEpoch: 1, currentEpoch: 3 });
    expect(result.plan).toEqual([{ start: 's', end: undefined, from: 'shard-2', to: 'shard-3' }]);
  });

  it.skipIf(!postgres.available)('PostgreSQL online move: every deposit counted once', async () => {
    const result = await postgresOnlineMove();
    expect(result.total).toBe(result.deposits);
    expect(result.epoch).toBe(3);
    expect(result.refreshes).toBe(1);
    expect(result.accountsOnWest).toBe(10);
    expect(result.copied).toBe(10);
  });
});
