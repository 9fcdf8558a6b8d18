import { resolveKnobs } from '@keel/sim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summaryRow } from '../scenario-kit.js';
import { leaderFailoverScenario } from './scenario.js';

describe('leader-failover scenario', () => {
  it('the naive leader overlaps its successor; the elector steps down first and fails over within a lease', async () => {
    const knobs = resolveKnobs(leaderFailoverScenario.knobs, {});
    const result = await leaderFailoverScenario.run(3, knobs, { durationMs: 60_000 });
    const most = summaryRow(result, 'Most leaders at once');
    expect(most.baseline).toBeGreaterThanOrEqual(2);
    expect(most.pattern).toBe(1);
    const overlap = summaryRow(result, 'Time with two leaders');
    expect(overlap.baseline).toBeGreaterThan(0);
    expect(overlap.pattern).toBe(0);
    const stale = summaryRow(result, 'Stale-epoch acts accepted');
    expect(stale.baseline).toBeGreaterThan(0);
    expect(stale.pattern).toBe(0);
    // A new leader once the old lease lapses: no sooner than a lease after the last renewal
    // (at most a retry period before the partition), no later than a lease plus a jittered retry.
    const failover = summaryRow(result, 'Partition to new leader').pattern;
    expect(failover).toBeGreaterThanOrEqual(knobs.leaseDurationMs - knobs.retryPeriodMs - 50);
    expect(failover).toBeLessThanOrEqual(knobs.leaseDurationMs + knobs.retryPeriodMs * 2.2 + 100);
  });

  it('without a partition one leader leads throughout', async () => {
    const knobs = resolveKnobs(leaderFailoverScenario.knobs, { partitionMs: 0 });
    const result = await leaderFailoverScenario.run(3, knobs, { durationMs: 30_000 });
    expect(summaryRow(result, 'Most leaders at once')).toMatchObject({ baseline: 1, pattern: 1 });
    expect(summaryRow(result, 'Elections')).toMatchObject({ baseline: 1, pattern: 1 });
    expect(summaryRow(result, 'Partition to new leader').pattern).toBeNaN();
    expect(result.metrics['pattern']!.counters['acts.accepted']).toBeGreaterThan(50);
  });

  it('the elector never has two leaders acting, for any seed and valid timings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 100, max: 1_000 }),
        fc.double({ min: 1.3, max: 4, noNaN: true }),
        fc.double({ min: 1.1, max: 3, noNaN: true }),
        async (seed, candidates, retry, deadlineRatio, leaseRatio) => {
          const retryPeriodMs = Math.round(retry / 100) * 100;
          const renewDeadlineMs = Math.ceil((retryPeriodMs * deadlineRatio) / 500) * 500;
          const leaseDurationMs = Math.ceil((renewDeadlineMs * leaseRatio) / 500) * 500 + 500;
          const knobs = resolveKnobs(leaderFailoverScenario.knobs, {
            candidates,
            retryPeriodMs,
            renewDeadlineMs,
            leaseDurationMs,
            partitionAtMs: leaseDurationMs,
            partitionMs: leaseDurationMs * 2,
            actEveryMs: 100,
          });
          const result = await leaderFailoverScenario.run(seed, knobs, { durationMs: leaseDurationMs * 4 });
          expect(summaryRow(result, 'Most leaders at once').pattern).toBe(1);
          expect(summaryRow(result, 'Stale-epoch acts accepted').pattern).toBe(0);
          expect(summaryRow(result, 'Partition to new leader').pattern).toBeLessThanOrEqual(
            leaseDurationMs + retryPeriodMs * 2.2 + 100,
          );
        },
      ),
      { numRuns: 10 },
    );
  });
});
