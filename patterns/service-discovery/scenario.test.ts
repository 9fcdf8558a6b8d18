import { resolveKnobs } from '@keel/sim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summaryRow } from '../scenario-kit.js';
import { discoveryChurnScenario } from './scenario.js';

describe('discovery-churn scenario', () => {
  it('the registry-fed list drops dead instances within TTL plus one read and picks up new ones', async () => {
    const knobs = resolveKnobs(discoveryChurnScenario.knobs, {});
    const result = await discoveryChurnScenario.run(5, knobs, { durationMs: 30_000 });
    const toDead = summaryRow(result, 'Requests routed to dead instances');
    expect(toDead.pattern).toBeLessThan(toDead.baseline / 2);
    expect(summaryRow(result, 'Failed requests').pattern).toBeLessThan(
      summaryRow(result, 'Failed requests').baseline,
    );
    expect(summaryRow(result, 'Requests served by new instances')).toMatchObject({ baseline: 0 });
    expect(summaryRow(result, 'Requests served by new instances').pattern).toBeGreaterThan(10);

    const pattern = result.metrics['pattern']!;
    const removal = pattern.histograms['removal.latency']!;
    // Every crash old enough to have expired and been read again was noticed.
    expect(removal.count).toBeGreaterThanOrEqual(
      pattern.counters['crashes']! -
        Math.ceil((knobs.ttlMs + knobs.watchIntervalMs) / (knobs.churnEveryMs / 2)),
    );
    expect(removal.count).toBeGreaterThan(3);
    // Not before the registration could have expired (the last heartbeat came at most a third of
    // the TTL before the crash), and no later than the TTL plus one read interval.
    expect(removal.min).toBeGreaterThanOrEqual((knobs.ttlMs * 2) / 3 - 20);
    expect(removal.max).toBeLessThanOrEqual(knobs.ttlMs + knobs.watchIntervalMs + 20);
    expect(summaryRow(result, 'Longest time a dead instance stayed listed').baseline).toBeGreaterThan(
      knobs.ttlMs + knobs.watchIntervalMs,
    );
    const join = pattern.histograms['join.latency']!;
    expect(join.count).toBeGreaterThan(3);
    expect(join.max).toBeLessThanOrEqual(knobs.watchIntervalMs + 20);
  });

  it('without crashes both lists stay right and nothing fails', async () => {
    const knobs = resolveKnobs(discoveryChurnScenario.knobs, { churnEveryMs: 60_000 });
    const result = await discoveryChurnScenario.run(5, knobs, { durationMs: 10_000 });
    expect(summaryRow(result, 'Requests routed to dead instances')).toMatchObject({
      baseline: 0,
      pattern: 0,
    });
    expect(summaryRow(result, 'Failed requests').baseline).toBe(0);
    // The pattern's list is empty until the first read answers (a few requests fail at start).
    expect(summaryRow(result, 'Failed requests').pattern).toBeLessThan(1);
  });

  it('convergence stays within TTL plus one read for any seed, TTL and read interval', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 5, max: 40 }).map((n) => n * 100),
        fc.integer({ min: 1, max: 20 }).map((n) => n * 100),
        fc.integer({ min: 2, max: 10 }),
        async (seed, ttlMs, watchIntervalMs, instances) => {
          const knobs = resolveKnobs(discoveryChurnScenario.knobs, {
            ttlMs,
            watchIntervalMs,
            instances,
            churnEveryMs: 1_000,
            rps: 20,
          });
          const result = await discoveryChurnScenario.run(seed, knobs, { durationMs: 12_000 });
          const removal = result.metrics['pattern']!.histograms['removal.latency']!;
          expect(removal.count).toBeGreaterThan(0);
          expect(removal.max).toBeLessThanOrEqual(ttlMs + watchIntervalMs + 20);
          expect(removal.min).toBeGreaterThanOrEqual((ttlMs * 2) / 3 - 20);
        },
      ),
      { numRuns: 10 },
    );
  });
});
