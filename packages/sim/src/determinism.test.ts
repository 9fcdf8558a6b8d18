import { createHash } from 'node:crypto';
import type { Clock } from '@keel/core/clock';
import type { Random } from '@keel/core/random';
import { describe, expect, it } from 'vitest';
import { bimodal, constant, exponential, lognormal, pareto, uniform } from './distributions.js';
import { type Fault, randomFaults } from './faults/faults.js';
import { closedLoop, openLoop } from './load/load.js';
import { spike } from './load/rate-schedule.js';
import { World } from './world.js';

/** A few-line retry with jittered backoff and a per-attempt timeout, written for this test. */
async function withRetry<T>(
  clock: Clock,
  random: Random,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  for (let i = 1; ; i++) {
    const controller = new AbortController();
    const timer = clock.setTimeout(() => controller.abort(new Error('timeout')), 200);
    try {
      return await attempt(controller.signal);
    } catch (error) {
      if (i === 3) throw error;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 20 * 2 ** i * random.next()));
    } finally {
      timer.clear();
    }
  }
}

async function chaos(
  seed: number,
): Promise<{ hash: string; sha256: string; metrics: string; lines: number }> {
  const world = new World({ seed, trace: { maxLines: 1_000_000 } });
  world.node('client', { skewMs: 30, driftPpm: 50 });
  world.service('api', {
    concurrency: 4,
    queueCapacity: 50,
    serviceTime: bimodal(lognormal(8, 0.6), pareto(40, 1.5), 0.05),
    errorRate: 0.05,
  });
  world.service('db', { concurrency: 2, serviceTime: exponential(3) });
  world.network.linkBoth('client', 'api', {
    latency: uniform(1, 5),
    loss: 0.01,
    duplicate: 0.01,
    reorder: 0.05,
    bandwidth: 1_000,
  });
  const faults: Fault[] = [
    { kind: 'crash', service: 'api' },
    { kind: 'brownout', service: 'api', slowdown: 4 },
    { kind: 'partition', a: ['client'], b: ['api'], oneWay: true },
    { kind: 'hang', service: 'db', rate: 0.5 },
  ];
  world.faults(
    randomFaults(world.random(), {
      horizonMs: 20_000,
      meanGapMs: 3_000,
      duration: uniform(200, 2_000),
      faults,
    }),
  );
  const jitter = world.random();
  const clock = world.network.clockOf('client');
  openLoop(world.sim, spike(100, 400, 8_000, 2_000), () =>
    world.track('open', () =>
      withRetry(clock, jitter, (signal) => world.call('client', 'api', 'x', { signal, size: 200 })),
    ),
  );
  closedLoop(world.sim, { clients: 5, thinkTime: constant(30) }, () => {
    let done!: Promise<unknown>;
    world.track('closed', () => (done = world.call('client', 'db', 'q')));
    return done.catch(() => undefined);
  });
  await world.run(20_000);
  const text = world.trace!.toJSONL();
  return {
    hash: world.trace!.hash,
    sha256: createHash('sha256').update(text).digest('hex'),
    metrics: JSON.stringify(world.metrics.snapshot()),
    lines: world.trace!.count,
  };
}

describe('determinism', () => {
  it('the same seed gives a byte-identical trace and identical metrics, random faults included', async () => {
    const a = await chaos(42);
    const b = await chaos(42);
    expect(a.lines).toBeGreaterThan(10_000);
    expect(b.sha256).toBe(a.sha256);
    expect(b.hash).toBe(a.hash);
    expect(b.metrics).toBe(a.metrics);
  });

  it('different seeds give different traces', async () => {
    const a = await chaos(1);
    const b = await chaos(2);
    expect(b.sha256).not.toBe(a.sha256);
    expect(b.hash).not.toBe(a.hash);
  });
});
