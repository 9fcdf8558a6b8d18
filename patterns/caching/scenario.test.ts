import { resolveKnobs, type ScenarioResult, type SummaryRow } from '@keel/sim';
import { describe, expect, it } from 'vitest';
import { cachingScenario } from './scenario.js';

function measure(result: ScenarioResult, label: string): SummaryRow {
  const found = result.summary.rows.find((r) => r.label === label);
  if (!found) throw new Error(`no row "${label}"`);
  return found;
}

function column(result: ScenarioResult, variant: string, name: string): number[] {
  const values = result.series[variant]?.columns[name];
  if (!values) throw new Error(`no series "${name}" for ${variant}`);
  return values;
}

describe('caching scenario', () => {
  for (const [seed, zipfExponent] of [
    [11, 0.9],
    [12, 1.1],
  ] as const) {
    it(`W-TinyLFU with coalescing and stale-while-revalidate: more hits, less database, no herd (seed ${seed}, Zipf ${zipfExponent})`, async () => {
      const knobs = resolveKnobs(cachingScenario.knobs, { zipfExponent });
      const durationMs = 30_000;
      const result = await cachingScenario.run(seed, knobs, { durationMs });

      // Admission keeps the popular products: a higher hit ratio and fewer database queries.
      const hitRatio = measure(result, 'Cache hit ratio');
      expect(hitRatio.pattern).toBeGreaterThan(hitRatio.baseline + 3);
      const queries = measure(result, 'Database queries per second');
      expect(queries.pattern).toBeLessThan(queries.baseline * 0.95);

      // The thundering herd: each expiry of the home page sends many concurrent rebuilds in the
      // baseline; with coalescing there is never more than one, about once per TTL.
      const atOnce = measure(result, 'Most home-page rebuilds at once');
      expect(atOnce.baseline).toBeGreaterThanOrEqual(5);
      expect(atOnce.pattern).toBe(1);
      const perTtl = measure(result, 'Home-page rebuilds per TTL');
      expect(perTtl.baseline).toBeGreaterThanOrEqual(5);
      expect(perTtl.pattern).toBeGreaterThanOrEqual(0.9);
      expect(perTtl.pattern).toBeLessThanOrEqual(1.6);
      // Over time: the baseline's home-page queries come in bursts at each expiry (at least
      // five rebuilds' worth in one second); the pattern's never exceed one rebuild per second.
      const perRebuild = knobs.hotQueries;
      const baselineBursts = column(result, 'baseline', 'hot.db.calls').filter((n) => n >= 5 * perRebuild);
      expect(baselineBursts.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...column(result, 'pattern', 'hot.db.calls'))).toBeLessThanOrEqual(perRebuild);

      // Nobody waits for the herd: the tail latency falls.
      const p99 = measure(result, 'p99 latency');
      expect(p99.pattern).toBeLessThan(p99.baseline * 0.7);
      expect(measure(result, 'Mean latency').pattern).toBeLessThan(measure(result, 'Mean latency').baseline);
      // The per-window hit ratio is recorded for every window after the first.
      const windows = column(result, 'pattern', 'hitRatio');
      expect(windows.length).toBe(durationMs / 1_000);
      for (const value of windows.slice(1)) expect(value).toBeGreaterThan(0);
    });
  }

  it('without a hot key there is nothing to rebuild, and the policy still decides the hit ratio', async () => {
    const knobs = resolveKnobs(cachingScenario.knobs, { hotShare: 0 });
    const result = await cachingScenario.run(5, knobs, { durationMs: 15_000 });
    expect(measure(result, 'Home-page rebuilds per TTL').baseline).toBe(0);
    expect(measure(result, 'Home-page rebuilds per TTL').pattern).toBe(0);
    const hitRatio = measure(result, 'Cache hit ratio');
    expect(hitRatio.pattern).toBeGreaterThan(hitRatio.baseline + 3);
  });

  it('is deterministic: the same seed gives the same summary and trace', async () => {
    const knobs = resolveKnobs(cachingScenario.knobs, {});
    const first = await cachingScenario.run('replay', knobs, { durationMs: 3_000, trace: true });
    const again = await cachingScenario.run('replay', knobs, { durationMs: 3_000, trace: true });
    expect(again.summary).toEqual(first.summary);
    expect(again.trace?.hash).toBe(first.trace?.hash);
    expect(first.trace?.count).toBeGreaterThan(0);
    for (const name of ['hitRatio', 'db.calls', 'req.latency.p99', 'hot.db.calls'])
      expect(Object.keys(first.series['pattern']!.columns)).toContain(name);
  });
});
