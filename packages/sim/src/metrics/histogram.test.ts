import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram.js';

function exactQuantile(sorted: number[], q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

const positiveValue = fc.double({ min: 1e-6, max: 1e9, noNaN: true });

describe('Histogram', () => {
  it('quantiles stay within the relative error for any sample (property)', () => {
    fc.assert(
      fc.property(
        fc.array(positiveValue, { minLength: 1, maxLength: 400 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(0.01, 0.02, 0.05),
        (values, q, error) => {
          const h = new Histogram(error);
          for (const v of values) h.record(v);
          const sorted = [...values].sort((a, b) => a - b);
          const exact = exactQuantile(sorted, q);
          const estimate = h.quantile(q);
          expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(error * (1 + 1e-9));
        },
      ),
    );
  });

  it('merging equals recording everything in one histogram (property)', () => {
    fc.assert(
      fc.property(fc.array(positiveValue), fc.array(positiveValue), (a, b) => {
        const left = new Histogram();
        const right = new Histogram();
        const all = new Histogram();
        for (const v of a) {
          left.record(v);
          all.record(v);
        }
        for (const v of b) {
          right.record(v);
          all.record(v);
        }
        left.merge(right);
        expect(left.count).toBe(all.count);
        for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) {
          const x = left.quantile(q);
          const y = all.quantile(q);
          if (Number.isNaN(y)) expect(x).toBeNaN();
          else expect(x).toBe(y);
        }
      }),
    );
  });

  it('keeps exact count, sum, min, max and counts zeros', () => {
    const h = new Histogram();
    h.record(0);
    h.record(10, 3);
    h.record(Number.NaN);
    h.record(Number.POSITIVE_INFINITY);
    expect(h.count).toBe(4);
    expect(h.sum).toBe(30);
    expect(h.min).toBe(0);
    expect(h.max).toBe(10);
    expect(h.quantile(0.25)).toBe(0);
    expect(h.quantile(0.5)).toBe(10);
    const s = h.summary();
    expect(s.mean).toBe(7.5);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.quantile(0.5)).toBeNaN();
    expect(h.summary().min).toBeNaN();
  });

  it('grows downwards and upwards', () => {
    const h = new Histogram();
    h.record(1000);
    h.record(0.001);
    h.record(1e8);
    expect(h.quantile(0)).toBeCloseTo(0.001, 5);
    expect(h.quantile(1) / 1e8).toBeCloseTo(1, 1);
    expect(h.quantile(0.5) / 1000).toBeCloseTo(1, 1);
  });

  it('rejects a bad relative error and mismatched merges', () => {
    expect(() => new Histogram(0)).toThrow(/relativeError/);
    expect(() => new Histogram(0.6)).toThrow(/relativeError/);
    expect(() => new Histogram(0.01).merge(new Histogram(0.02))).toThrow(/relativeError/);
  });
});
