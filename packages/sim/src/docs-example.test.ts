// The scenario example of docs/simulation.md, kept compiling and working.
import { retry } from '@keel/core/retry';
import { describe, expect, it } from 'vitest';
import {
  constant,
  constantRate,
  defineScenario,
  lognormal,
  measures,
  openLoop,
  row,
  runVariants,
  type World,
} from './index.js';

export const retryScenario = defineScenario({
  id: 'retry',
  name: 'Retry against a flaky service',
  description: 'A service fails a share of its calls; retries hide most failures at some cost in load.',
  knobs: {
    errorRate: { type: 'number', label: 'Error rate', default: 0.2, min: 0, max: 0.9, step: 0.05 },
    rps: { type: 'number', label: 'Load', default: 200, min: 10, max: 2_000, unit: 'req/s' },
  },
  defaultDurationMs: 60_000,
  run: (seed, knobs, options) => {
    // Shared by both variants and created first, so both see the same service and arrivals.
    const build = (world: World, call: () => Promise<unknown>) => {
      world.service('api', { concurrency: 64, serviceTime: lognormal(10, 0.4), errorRate: knobs.errorRate });
      world.node('client');
      openLoop(world.sim, constantRate(knobs.rps), () => world.track('req', call));
    };
    return runVariants(
      seed,
      options,
      {
        baseline: (world) => build(world, () => world.call('client', 'api', 'work')),
        pattern: (world) => {
          const policy = retry({ maxRetries: 2, clock: world.clock, random: world.random() });
          build(world, () => policy.execute(({ signal }) => world.call('client', 'api', 'work', { signal })));
        },
      },
      (metrics) => [
        row('Failed calls', 'req', 'lower', metrics, measures.count('req.failed')),
        row('Success rate', '%', 'higher', metrics, measures.successRate('req')),
        row('p99 latency', 'ms', 'lower', metrics, measures.latency('req', 'p99')),
      ],
      { defaultLink: { latency: constant(2) } },
    );
  },
});

describe('the documented retry scenario', () => {
  it('runs both variants on the real retry policy and retries cut failures', async () => {
    const result = await retryScenario.run(3, { errorRate: 0.2, rps: 100 }, { durationMs: 20_000 });
    const [failed, success] = result.summary.rows;
    expect(failed!.baseline).toBeGreaterThan(300);
    expect(failed!.pattern).toBeLessThan(failed!.baseline / 10);
    expect(success!.pattern).toBeGreaterThan(99);
  });
});
