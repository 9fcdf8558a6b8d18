import { resolveKnobs } from '@keel/sim';
import { describe, expect, it } from 'vitest';
import { summaryRow } from '../scenario-kit.js';
import { autoScalingScenario, loadCurve } from './scenario.js';

const durationMs = autoScalingScenario.defaultDurationMs;

describe('auto-scaling scenario', () => {
  it('the load ramps, spikes and falls back', () => {
    const curve = loadCurve(100);
    expect(curve.rateAt(0)).toBeCloseTo(15);
    expect(curve.rateAt(105_000)).toBeCloseTo(35);
    expect(curve.rateAt(160_000)).toBeCloseTo(55);
    expect(curve.rateAt(195_000)).toBeCloseTo(100);
    expect(curve.rateAt(220_000)).toBeCloseTo(55);
    expect(curve.rateAt(350_000)).toBeCloseTo(15);
    expect(curve.maxRate).toBe(100);
  });

  for (const seed of [1, 7, 'spiky']) {
    it(`meets the objective far more often than the fixed fleet, at a fraction of peak provisioning (seed ${seed})`, async () => {
      const knobs = resolveKnobs(autoScalingScenario.knobs, {});
      const result = await autoScalingScenario.run(seed, knobs, { durationMs });
      const slo = summaryRow(result, 'Requests within the latency objective');
      // The fixed fleet sized for the quiet hours drowns when the load rises.
      // (Over seeds 1-12: baseline 18-22%, pattern 81-99%.)
      expect(slo.baseline).toBeLessThan(40);
      expect(slo.pattern).toBeGreaterThan(75);
      expect(slo.pattern - slo.baseline).toBeGreaterThan(50);
      const peak = summaryRow(result, 'Cost, peak-provisioned fleet in the baseline column');
      expect(peak.baseline).toBeCloseTo(knobs.maxReplicas * (durationMs / 1000), 6);
      // Less than half of what a fleet always at its maximum costs (about 35-37% over seeds 1-12)...
      expect(peak.pattern).toBeLessThan(peak.baseline * 0.5);
      // ...which itself meets the objective almost always.
      expect(
        summaryRow(result, 'Within the objective, peak-provisioned fleet in the baseline column').baseline,
      ).toBeGreaterThan(99);
      // The autoscaler grew the fleet within its bounds and brought it back to the minimum.
      const most = summaryRow(result, 'Most replicas').pattern;
      expect(most).toBeGreaterThan(knobs.minReplicas);
      expect(most).toBeLessThanOrEqual(knobs.maxReplicas);
      const replicas = result.series['pattern']!.columns['replicas']!;
      expect(replicas.at(-1)).toBe(knobs.minReplicas);
      expect(summaryRow(result, 'p99 latency').pattern).toBeLessThan(
        summaryRow(result, 'p99 latency').baseline / 5,
      );
    });
  }

  it('a lower utilization target buys more headroom at a higher cost', async () => {
    const run = (targetUtilization: number) =>
      autoScalingScenario.run(3, resolveKnobs(autoScalingScenario.knobs, { targetUtilization }), {
        durationMs,
      });
    const [tight, loose] = await Promise.all([run(40), run(90)]);
    expect(summaryRow(tight, 'Cost').pattern).toBeGreaterThan(summaryRow(loose, 'Cost').pattern);
    expect(summaryRow(tight, 'Requests within the latency objective').pattern).toBeGreaterThanOrEqual(
      summaryRow(loose, 'Requests within the latency objective').pattern,
    );
  });

  it('under a load the minimum fleet carries, the autoscaler stays at the minimum', async () => {
    const knobs = resolveKnobs(autoScalingScenario.knobs, { peakRps: 5 });
    const result = await autoScalingScenario.run(5, knobs, { durationMs });
    expect(summaryRow(result, 'Most replicas').pattern).toBe(knobs.minReplicas);
    expect(summaryRow(result, 'Cost').pattern).toBeCloseTo(knobs.minReplicas * (durationMs / 1000), 6);
    expect(summaryRow(result, 'Requests within the latency objective').pattern).toBeGreaterThan(99);
  });

  it('is deterministic: the same seed gives the same summary and trace', async () => {
    const knobs = resolveKnobs(autoScalingScenario.knobs, {});
    const first = await autoScalingScenario.run('replay', knobs, { durationMs: 200_000, trace: true });
    const again = await autoScalingScenario.run('replay', knobs, { durationMs: 200_000, trace: true });
    expect(again.summary).toEqual(first.summary);
    expect(again.trace?.hash).toBe(first.trace?.hash);
    expect(first.trace?.lines.some((line) => line.includes('"autoscale"'))).toBe(true);
  });
});
