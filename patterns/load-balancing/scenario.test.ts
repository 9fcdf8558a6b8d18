import { resolveKnobs, type ScenarioResult } from '@keel/sim';
import { describe, expect, it } from 'vitest';
import { summaryRow } from '../scenario-kit.js';
import { backendRoles, LOAD_BALANCING_VARIANTS, loadBalancingScenario } from './scenario.js';

const p99 = (result: ScenarioResult, variant: string): number =>
  result.metrics[variant]!.histograms['req.latency']!.p99;
const failed = (result: ScenarioResult, variant: string): number =>
  result.metrics[variant]!.counters['req.failed'] ?? 0;
const arrivals = (result: ScenarioResult, variant: string): number =>
  result.metrics[variant]!.counters['arrivals'] ?? 0;

const durationMs = loadBalancingScenario.defaultDurationMs;

describe('load-balancing scenario', () => {
  it('gives most backends the fast role, about a fifth the slow one, one degrading and one failing', () => {
    expect(backendRoles(10)).toEqual([
      'fast',
      'fast',
      'fast',
      'fast',
      'fast',
      'fast',
      'slow',
      'slow',
      'degrading',
      'failing',
    ]);
    expect(backendRoles(4)).toEqual(['fast', 'slow', 'degrading', 'failing']);
  });

  for (const seed of [1, 2]) {
    it(`peak EWMA keeps p99 far below round robin's; ejection removes the failing backend's errors (seed ${seed})`, async () => {
      const knobs = resolveKnobs(loadBalancingScenario.knobs, {});
      const result = await loadBalancingScenario.run(seed, knobs, { durationMs });
      expect(Object.keys(result.metrics).sort()).toEqual(Object.keys(LOAD_BALANCING_VARIANTS).sort());
      // Every variant served the same arrivals.
      for (const variant of Object.keys(LOAD_BALANCING_VARIANTS))
        expect(arrivals(result, variant)).toBe(arrivals(result, 'baseline'));

      // Round robin keeps a tenth of the load on the degrading backend: its p99 is the timeout.
      // (Seeds 1-5: round robin 1000 ms, peak EWMA 47-49 ms, least outstanding 84-87 ms.)
      const latency = summaryRow(result, 'p99 latency');
      expect(latency.baseline).toBeGreaterThan(knobs.timeoutMs * 0.9);
      expect(latency.pattern * 5).toBeLessThan(latency.baseline);
      expect(summaryRow(result, 'Requests sent to the degrading backend').pattern).toBeLessThan(
        summaryRow(result, 'Requests sent to the degrading backend').baseline / 2,
      );
      // Queue length alone helps too, latency awareness helps more; the static and hash-based
      // algorithms do not see the degradation at all.
      expect(p99(result, 'least-outstanding')).toBeLessThan(latency.baseline / 5);
      expect(p99(result, 'pattern')).toBeLessThan(p99(result, 'least-outstanding'));
      for (const blind of ['smooth-weighted-round-robin', 'weighted-random', 'ring-hash', 'maglev'])
        expect(p99(result, blind)).toBeGreaterThan(knobs.timeoutMs * 0.9);
      expect(
        summaryRow(result, `p99 latency, ${LOAD_BALANCING_VARIANTS.maglev.label} in the pattern column`),
      ).toEqual(expect.objectContaining({ baseline: latency.baseline, pattern: p99(result, 'maglev') }));

      // A backend that fails fast looks fast: peak EWMA alone sends it more than its share...
      const toFailing = summaryRow(result, 'Requests sent to the failing backend');
      expect(toFailing.pattern).toBeGreaterThan(toFailing.baseline);
      // ...and outlier ejection takes it out after five errors in a row.
      expect(result.metrics['peak-ewma-ejection']!.counters['ejections']).toBeGreaterThanOrEqual(1);
      expect(failed(result, 'peak-ewma-ejection') * 50).toBeLessThan(failed(result, 'pattern'));
      expect(failed(result, 'peak-ewma-ejection') * 50).toBeLessThan(failed(result, 'baseline'));
      expect(p99(result, 'peak-ewma-ejection')).toBeLessThan(latency.baseline / 5);
    });
  }

  it('with no failing backend, nothing is ejected and the latency-aware runs fail nothing', async () => {
    const knobs = resolveKnobs(loadBalancingScenario.knobs, { failAtMs: 0 });
    const result = await loadBalancingScenario.run(3, knobs, { durationMs });
    expect(result.metrics['peak-ewma-ejection']!.counters['ejections'] ?? 0).toBe(0);
    expect(failed(result, 'pattern')).toBe(0);
    expect(failed(result, 'least-outstanding')).toBe(0);
    // Round robin's failures are the degrading backend's timeouts.
    expect(failed(result, 'baseline')).toBeGreaterThan(0);
    expect(summaryRow(result, 'Requests sent to the failing backend').baseline).toBeCloseTo(
      100 / knobs.backends,
      0,
    );
  });

  it('is deterministic: the same seed gives the same summary and trace', async () => {
    const knobs = resolveKnobs(loadBalancingScenario.knobs, {
      rps: 50,
      failAtMs: 5_000,
      degradeEveryMs: 2_000,
    });
    const first = await loadBalancingScenario.run('replay', knobs, { durationMs: 10_000, trace: true });
    const again = await loadBalancingScenario.run('replay', knobs, { durationMs: 10_000, trace: true });
    expect(again.summary).toEqual(first.summary);
    expect(again.trace?.hash).toBe(first.trace?.hash);
    expect(first.trace?.lines.some((line) => line.includes('"k":"lb"'))).toBe(true);
  });
});
