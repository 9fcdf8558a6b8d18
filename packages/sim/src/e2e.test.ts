import type { Clock } from '@keel/core/clock';
import { describe, expect, it } from 'vitest';
import { constant, lognormal } from './distributions.js';
import { openLoop } from './load/load.js';
import { constantRate } from './load/rate-schedule.js';
import { World } from './world.js';

/** Retry up to `attempts` times with a fixed pause, written inline for this test. */
async function retry<T>(clock: Clock, attempts: number, pauseMs: number, fn: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts) throw error;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, pauseMs));
    }
  }
}

async function successRate(useRetry: boolean): Promise<{ rate: number; p50: number; total: number }> {
  const world = new World({ seed: 7, defaultLink: { latency: constant(2) } });
  world.service('api', { concurrency: 64, serviceTime: lognormal(10, 0.4), errorRate: 0.2 });
  world.node('client');
  const call = () => world.call('client', 'api', 'work');
  openLoop(world.sim, constantRate(200), () =>
    world.track('req', useRetry ? () => retry(world.clock, 3, 5, call) : call),
  );
  await world.run(60_000);
  const m = world.metrics.snapshot();
  const ok = m.counters['req.ok']!;
  const failed = m.counters['req.failed']!;
  return { rate: ok / (ok + failed), p50: m.histograms['req.latency']!.p50, total: ok + failed };
}

describe('end to end: a retry policy against a 20%-error service', () => {
  it('raises the success rate from about 80% to about 99%', async () => {
    const without = await successRate(false);
    const withRetry = await successRate(true);
    expect(without.total).toBeGreaterThan(11_000);
    expect(without.rate).toBeGreaterThan(0.78);
    expect(without.rate).toBeLessThan(0.82);
    // Three attempts fail together with probability 0.2^3 = 0.008.
    expect(withRetry.rate).toBeGreaterThan(0.985);
    expect(withRetry.rate).toBeGreaterThan(without.rate);
    // Most calls succeed at once, so the median moves only a little (retried calls sit above it).
    expect(withRetry.p50).toBeGreaterThanOrEqual(without.p50);
    expect(withRetry.p50).toBeLessThan(without.p50 * 1.25);
  });
});
