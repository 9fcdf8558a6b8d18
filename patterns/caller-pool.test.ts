import { constant, World } from '@keel/sim';
import { describe, expect, it } from 'vitest';
import { callerPool } from './caller-pool.js';

describe('callerPool', () => {
  it('holds at most its capacity, refuses the rest at once with the shared error, and frees slots', async () => {
    const world = new World({ seed: 1, defaultLink: { latency: constant(1) } });
    world.service('api', { concurrency: 100, serviceTime: constant(10) });
    world.node('client');
    const refusal = new Error('full');
    const pool = callerPool(world, 'slots', 2, refusal);
    const outcomes = [1, 2, 3].map((i) =>
      pool(() => world.call('client', 'api', i)).then(
        () => 'ok',
        (error: unknown) => error,
      ),
    );
    const gauge = world.metrics.gauge('slots');
    expect(gauge.value).toBe(2);
    await world.run(100);
    expect(await Promise.all(outcomes)).toEqual(['ok', 'ok', refusal]);
    expect(gauge.value).toBe(0);
    expect(world.metrics.snapshot().gauges['slots']?.max).toBe(2);
    // A freed slot takes a new call.
    const later = pool(() => world.call('client', 'api', 4));
    await world.run(100);
    await expect(later).resolves.toBeDefined();
  });

  it('frees the slot of a call that failed', async () => {
    const world = new World({ seed: 1 });
    const pool = callerPool(world, 'slots', 1, new Error('full'));
    await expect(pool(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(world.metrics.gauge('slots').value).toBe(0);
    await expect(pool(async () => 'next')).resolves.toBe('next');
  });
});
