import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInvalidOptionError } from '../../errors/index.js';
import { LatencyWindow } from './latency-window.js';

describe('LatencyWindow', () => {
  it('is empty at first', () => {
    const window = new LatencyWindow(3);
    expect(window.count).toBe(0);
    expect(window.percentile(0.5)).toBeNaN();
  });

  it('reads nearest-rank percentiles and forgets the oldest samples', () => {
    const window = new LatencyWindow(4);
    for (const ms of [40, 10, 30, 20]) window.add(ms);
    expect([0.25, 0.5, 0.75, 1].map((p) => window.percentile(p))).toEqual([10, 20, 30, 40]);
    window.add(5); // evicts 40
    expect(window.count).toBe(4);
    expect(window.percentile(1)).toBe(30);
    expect(window.percentile(0.01)).toBe(5);
  });

  it('agrees with sorting the last samples, for any sequence (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 80 }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        (capacity, samples, p) => {
          const window = new LatencyWindow(capacity);
          for (const sample of samples) window.add(sample);
          const recent = samples.slice(-capacity).sort((a, b) => a - b);
          expect(window.count).toBe(recent.length);
          if (recent.length === 0) return;
          const rank = Math.min(recent.length, Math.max(1, Math.ceil(p * recent.length)));
          expect(window.percentile(p)).toBe(recent[rank - 1]);
        },
      ),
    );
  });

  it('rejects a bad capacity', () => {
    for (const capacity of [0, 1.5, Number.NaN]) {
      try {
        new LatencyWindow(capacity);
        expect.unreachable();
      } catch (error) {
        expect(isInvalidOptionError(error)).toBe(true);
        expect((error as { field: string }).field).toBe('capacity');
      }
    }
  });
});
