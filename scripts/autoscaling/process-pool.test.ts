import { afterEach, describe, expect, it } from 'vitest';
import { childPids, eventually, osCountsAvailable } from './os-counts.js';
import { processPool } from './process-pool.js';
import type { ReplicaEvent, ReplicaPool } from './replica-pool.js';

const wait = new URL('./handlers/wait.mjs', import.meta.url);
const crash = new URL('./handlers/crash.mjs', import.meta.url);

const pools: ReplicaPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe.runIf(osCountsAvailable)('process pool (live child processes)', () => {
  it('forks and reaps real processes as the replica count changes, draining work first', async () => {
    const before = childPids();
    const pool = processPool(wait, { stopGraceMs: 10_000 });
    pools.push(pool);
    const events: ReplicaEvent[] = [];
    pool.onReplica((e) => events.push(e));
    pool.setReplicas(3);
    await pool.settled();
    const mine = () => childPids().filter((pid) => !before.includes(pid));
    await eventually(() => expect(mine().sort()).toEqual(pool.ids().sort()));
    expect(mine()).toHaveLength(3);

    const tasks = Array.from({ length: 3 }, (_, i) => pool.submit<{ waited: number }>({ ms: 250 + i }));
    pool.setReplicas(1);
    expect(pool.counts()).toMatchObject({ ready: 1, draining: 2 });
    expect((await Promise.all(tasks)).map((r) => r.waited)).toEqual([250, 251, 252]);
    await pool.settled();
    await eventually(() => expect(mine()).toHaveLength(1));
    expect(events.filter((e) => e.to === 'exited').map((e) => e.exit)).toEqual(['graceful', 'graceful']);
    await expect(pool.submit({ ms: 1, fail: true })).rejects.toThrow('task failed');

    pool.setReplicas(2);
    await pool.settled();
    await eventually(() => expect(mine()).toHaveLength(2));
    await pool.close();
    await eventually(() => expect(mine()).toHaveLength(0));
    await expect(pool.submit({})).rejects.toThrow('closed');
  });

  it('replaces a process that crashes', async () => {
    const before = childPids();
    const pool = processPool(crash);
    pools.push(pool);
    pool.setReplicas(1);
    await pool.settled();
    const first = pool.ids();
    await expect(pool.submit({})).rejects.toThrow(/exited/);
    await pool.settled();
    expect(pool.ids()).not.toEqual(first);
    await eventually(() => expect(childPids().filter((pid) => !before.includes(pid))).toEqual(pool.ids()));
  });
});
