import { autoscaler, HpaCalculator, utilizationMetric } from '@keel/core/auto-scaling';
import { VirtualClock } from '@keel/core/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, osCountsAvailable, threadCount } from './os-counts.js';
import type { ReplicaEvent, ReplicaPool } from './replica-pool.js';
import { threadPool } from './thread-pool.js';

const wait = new URL('./handlers/wait.mjs', import.meta.url);
const spin = new URL('./handlers/spin.mjs', import.meta.url);
const crash = new URL('./handlers/crash.mjs', import.meta.url);
const linger = new URL('./handlers/linger.mjs', import.meta.url);

const pools: ReplicaPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function track(pool: ReplicaPool): ReplicaPool {
  pools.push(pool);
  return pool;
}

describe.runIf(osCountsAvailable)('thread pool (live worker threads)', () => {
  it('starts and stops real threads as the replica count changes', async () => {
    const base = threadCount();
    const pool = track(threadPool(spin));
    pool.setReplicas(3);
    await pool.settled();
    expect(pool.counts().ready).toBe(3);
    await eventually(() => expect(threadCount() - base).toBe(3));
    const results = await Promise.all(
      Array.from({ length: 6 }, () => pool.submit<{ ms: number }>({ ms: 5 })),
    );
    for (const r of results) expect(r.ms).toBeGreaterThanOrEqual(5);
    pool.setReplicas(1);
    await pool.settled();
    await eventually(() => expect(threadCount() - base).toBe(1));
    pool.setReplicas(4);
    await pool.settled();
    await eventually(() => expect(threadCount() - base).toBe(4));
    await pool.close();
    await eventually(() => expect(threadCount()).toBe(base));
  });

  it('drains in-flight work before a surplus thread exits', async () => {
    const base = threadCount();
    const pool = track(threadPool(wait, { stopGraceMs: 10_000 }));
    const events: ReplicaEvent[] = [];
    pool.onReplica((e) => events.push(e));
    pool.setReplicas(3);
    await pool.settled();
    const tasks = Array.from({ length: 3 }, (_, i) => pool.submit<{ waited: number }>({ ms: 300 + i }));
    // Every replica holds one task when the pool shrinks.
    expect(pool.inFlight()).toEqual([1, 1, 1]);
    pool.setReplicas(1);
    expect(pool.counts()).toMatchObject({ ready: 1, draining: 2 });
    // Draining replicas take no new work: this one waits for the ready replica.
    const later = pool.submit<{ waited: number }>({ ms: 1 });
    const results = await Promise.all(tasks);
    expect(results.map((r) => r.waited)).toEqual([300, 301, 302]);
    expect(await later).toEqual({ waited: 1 });
    await pool.settled();
    const exits = events.filter((e) => e.to === 'exited');
    expect(exits).toHaveLength(2);
    expect(exits.every((e) => e.exit === 'graceful')).toBe(true);
    await eventually(() => expect(threadCount() - base).toBe(1));
  });

  it('brings a draining thread back instead of starting a new one', async () => {
    const pool = track(threadPool(wait));
    pool.setReplicas(2);
    await pool.settled();
    const ids = pool.ids();
    const tasks = [pool.submit({ ms: 200 }), pool.submit({ ms: 200 })];
    pool.setReplicas(1);
    expect(pool.counts()).toMatchObject({ ready: 1, draining: 1 });
    pool.setReplicas(2);
    expect(pool.counts()).toMatchObject({ ready: 2, draining: 0, starting: 0 });
    await Promise.all(tasks);
    expect(pool.ids().sort()).toEqual(ids.sort());
  });

  it('kills a thread that does not stop within the grace period', async () => {
    const base = threadCount();
    const pool = track(threadPool(linger, { stopGraceMs: 100 }));
    const events: ReplicaEvent[] = [];
    pool.onReplica((e) => events.push(e));
    pool.setReplicas(1);
    await pool.settled();
    // The task leaves a timer behind, so the thread ignores the request to stop.
    expect(await pool.submit({})).toBe('lingering');
    pool.setReplicas(0);
    await pool.settled();
    expect(events.find((e) => e.to === 'exited')).toMatchObject({ exit: 'killed' });
    await eventually(() => expect(threadCount()).toBe(base));
  });

  it('replaces a thread that crashes and fails only its own task', async () => {
    const pool = track(threadPool(crash));
    pool.setReplicas(2);
    await pool.settled();
    const before = pool.ids();
    await expect(pool.submit({})).rejects.toThrow(/exited/);
    await pool.settled();
    expect(pool.counts().ready).toBe(2);
    expect(pool.ids()).not.toEqual(before);
  });

  it('an autoscaler on utilization scales the real pool up under load and back down after', async () => {
    const base = threadCount();
    const clock = new VirtualClock();
    const pool = track(threadPool(wait));
    pool.setReplicas(1);
    await pool.settled();
    const loop = autoscaler({
      calculator: new HpaCalculator(6, { clock, minReplicas: 1 }),
      metrics: [utilizationMetric('busy', () => pool.utilization(), 50)],
      actuator: pool,
      clock,
    });
    // Six clients, each with one 100 ms task in flight at all times.
    let loadOn = true;
    const clients = Array.from({ length: 6 }, async () => {
      while (loadOn) await pool.submit({ ms: 100 });
    });
    const sizes: number[] = [];
    for (let i = 0; i < 6 && pool.replicaTarget < 6; i++) {
      pool.utilization(); // start a fresh measuring window
      await new Promise((resolve) => setTimeout(resolve, 250));
      const decision = await loop.sync();
      sizes.push(decision!.desiredReplicas);
      await pool.settled();
      clock.advance(15_000);
    }
    // Full utilization against a 50% target doubles the pool (at most +4) each sync.
    expect(sizes[0]).toBe(2);
    expect(pool.replicaTarget).toBe(6);
    await eventually(() => expect(threadCount() - base).toBe(6));
    loadOn = false;
    await Promise.all(clients);
    pool.utilization();
    await new Promise((resolve) => setTimeout(resolve, 100));
    clock.advance(301_000);
    const quiet = await loop.sync();
    expect(quiet).toMatchObject({ reason: 'below-target', desiredReplicas: 1 });
    await pool.settled();
    await eventually(() => expect(threadCount() - base).toBe(1));
  });
});
