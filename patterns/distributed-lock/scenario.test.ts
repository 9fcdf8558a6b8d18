import { resolveKnobs } from '@keel/sim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summaryRow } from '../scenario-kit.js';
import { splitBrainScenario } from './scenario.js';

describe('split-brain scenario', () => {
  for (const fault of ['pause', 'partition'] as const) {
    it(`a ${fault} past the lease makes the baseline accept stale writes; fencing refuses them`, async () => {
      const knobs = resolveKnobs(splitBrainScenario.knobs, { fault });
      const result = await splitBrainScenario.run(7, knobs, { durationMs: 20_000 });
      const conflicting = summaryRow(result, 'Conflicting writes accepted');
      expect(conflicting.baseline).toBeGreaterThanOrEqual(1);
      expect(conflicting.pattern).toBe(0);
      const lost = summaryRow(result, 'Lost increments');
      expect(lost.baseline).toBeGreaterThan(0);
      expect(lost.pattern).toBe(0);
      // Fencing is what stopped them: the storage refused the late writers.
      expect(summaryRow(result, 'Stale accesses refused').pattern).toBeGreaterThanOrEqual(1);
      expect(summaryRow(result, 'Stale accesses refused').baseline).toBe(0);
      const tokens = summaryRow(result, 'Non-increasing tokens issued');
      expect(tokens.baseline).toBe(0);
      expect(tokens.pattern).toBe(0);
      expect(summaryRow(result, 'Lock grants').pattern).toBeGreaterThan(10);
      expect(result.metrics['pattern']!.counters['faults']).toBeGreaterThanOrEqual(2);
    });
  }

  it('without faults neither variant conflicts or loses an increment', async () => {
    const knobs = resolveKnobs(splitBrainScenario.knobs, { faultMs: 0 });
    const result = await splitBrainScenario.run(7, knobs, { durationMs: 5_000 });
    for (const label of ['Conflicting writes accepted', 'Lost increments', 'Stale accesses refused']) {
      expect(summaryRow(result, label)).toMatchObject({ baseline: 0, pattern: 0 });
    }
    const counter = summaryRow(result, 'Counter at the end');
    expect(counter.pattern).toBe(counter.baseline);
    expect(counter.pattern).toBeGreaterThan(10);
  });

  it('fencing holds for any seed, client count, lease and fault', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 200, max: 1_500 }),
        fc.constantFrom('pause' as const, 'partition' as const),
        fc.integer({ min: 100, max: 4_000 }),
        async (seed, clients, ttlMs, fault, faultMs) => {
          const knobs = resolveKnobs(splitBrainScenario.knobs, {
            clients,
            ttlMs,
            fault,
            faultMs,
            faultEveryMs: 2_000,
          });
          const result = await splitBrainScenario.run(seed, knobs, { durationMs: 6_000 });
          expect(summaryRow(result, 'Conflicting writes accepted').pattern).toBe(0);
          expect(summaryRow(result, 'Lost increments').pattern).toBe(0);
          expect(summaryRow(result, 'Non-increasing tokens issued').pattern).toBe(0);
        },
      ),
      { numRuns: 12 },
    );
  });
});
