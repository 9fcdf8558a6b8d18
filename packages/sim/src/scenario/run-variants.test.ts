import { describe, expect, it } from 'vitest';
import { openLoop } from '../load/load.js';
import { constantRate } from '../load/rate-schedule.js';
import { resolveKnobs } from './knobs.js';
import { measures, row, runVariants } from './run-variants.js';
import { defineScenario } from './scenario.js';

const knobs = {
  rps: { type: 'number', label: 'Load', default: 100, min: 1, max: 1_000, unit: 'req/s' },
  jitter: { type: 'boolean', label: 'Jitter', default: true },
  mode: { type: 'choice', label: 'Mode', options: ['fast', 'slow'], default: 'fast' },
} as const;

const demo = defineScenario({
  id: 'demo-errors',
  name: 'Fewer errors',
  description: 'The pattern variant talks to a healthier service.',
  knobs,
  defaultDurationMs: 5_000,
  run: (seed, values, options) =>
    runVariants(
      seed,
      options,
      {
        baseline: (world) => {
          world.service('api', { errorRate: 0.4 });
          openLoop(world.sim, constantRate(values.rps), () =>
            world.track('req', () => world.call('client', 'api', 1)),
          );
        },
        pattern: (world) => {
          world.service('api', { errorRate: 0.1 });
          openLoop(world.sim, constantRate(values.rps), () =>
            world.track('req', () => world.call('client', 'api', 1)),
          );
        },
      },
      (m) => [
        row('Failed calls', 'req', 'lower', m, (s) => s.counters['req.failed'] ?? 0),
        row('p99 latency', 'ms', 'lower', m, (s) => s.histograms['req.latency']?.p99 ?? Number.NaN),
      ],
    ),
});

describe('running a scenario', () => {
  it('compares variants with the same arrivals and reports overall progress', async () => {
    const overall: number[] = [];
    const result = await demo.run(1, resolveKnobs(demo.knobs), {
      durationMs: 5_000,
      onProgress: (p) => {
        overall.push(p.overall);
      },
    });
    const [failed] = result.summary.rows;
    expect(failed!.pattern).toBeLessThan(failed!.baseline);
    const total = (v: string) =>
      result.metrics[v]!.counters['req.ok']! + result.metrics[v]!.counters['req.failed']!;
    expect(total('baseline')).toBe(total('pattern'));
    expect(result.series.baseline!.t.length).toBe(5);
    expect(overall.at(-1)).toBe(1);
    expect(overall.some((f) => f > 0.4 && f < 0.6)).toBe(true);
    expect(result.trace).toBeUndefined();
  });

  it('measures read what World.track records', async () => {
    const result = await demo.run(2, resolveKnobs(demo.knobs), { durationMs: 5_000 });
    const success = row('Success', '%', 'higher', result.metrics, measures.successRate('req'));
    expect(success.baseline).toBeGreaterThan(55);
    expect(success.baseline).toBeLessThan(65);
    expect(success.pattern).toBeGreaterThan(85);
    const failed = row('Failed', 'req', 'lower', result.metrics, measures.count('req.failed'));
    expect(failed).toEqual({ ...result.summary.rows[0], label: 'Failed' });
    const p99 = row('p99', 'ms', 'lower', result.metrics, measures.latency('req', 'p99'));
    expect(p99.baseline).toBe(result.summary.rows[1]!.baseline);
    const none = row('x', '', 'lower', result.metrics, measures.latency('nothing', 'max'));
    expect(none.baseline).toBeNaN();
    expect(measures.successRate('nothing')(result.metrics.baseline!)).toBeNaN();
  });

  it('a row can put another variant than the pattern against the baseline', async () => {
    const result = await demo.run(2, resolveKnobs(demo.knobs), { durationMs: 2_000 });
    const failed = measures.count('req.failed');
    const metrics = { baseline: result.metrics.baseline!, retried: result.metrics.pattern! };
    const versus = row('Failed', 'req', 'lower', metrics, failed, 'retried');
    expect(versus).toEqual({ ...result.summary.rows[0], label: 'Failed' });
    expect(versus.pattern).toBeLessThan(versus.baseline);
    // Without a pattern variant, the default comparison has nothing to show.
    expect(row('Failed', 'req', 'lower', metrics, failed).pattern).toBeNaN();
    expect(row('Failed', 'req', 'lower', metrics, failed, 'missing').pattern).toBeNaN();
  });

  it('returns a trace covering every variant when asked', async () => {
    const result = await demo.run(1, resolveKnobs(demo.knobs, { rps: 10 }), {
      durationMs: 1_000,
      trace: true,
    });
    const headers = result.trace!.lines.filter((l) => l.includes('"k":"variant"'));
    expect(headers.length).toBe(2);
    expect(result.trace!.hash).toMatch(/^[0-9a-f]{16}$/);
    for (const line of result.trace!.lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
