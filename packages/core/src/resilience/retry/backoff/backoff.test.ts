import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Random } from '../../../random/index.js';
import { seededRandom } from '../../../random/index.js';
import { invalidOptionField } from '../../../testing/index.js';
import type { Backoff } from './backoff.js';
import { constant } from './constant.js';
import { decorrelatedJitterV2 } from './decorrelated-jitter-v2.js';
import { exponential, type Jitter } from './exponential.js';
import { linear } from './linear.js';

/** A Random that replays fixed values, for exact expectations. */
function fixed(...values: number[]): Random {
  let i = 0;
  return { next: () => values[i++ % values.length]! };
}

const attempt = fc.integer({ min: 1, max: 2_000 });
const delayMs = fc.integer({ min: 0, max: 100_000 });
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('constant', () => {
  it('always waits the same', () => {
    const backoff = constant({ delay: 250 });
    fc.assert(
      fc.property(attempt, delayMs, unit, (n, previous, u) => backoff.next(n, previous, fixed(u)) === 250),
    );
    expect(constant().next(1, 0, fixed(0))).toBe(100);
  });
});

describe('linear', () => {
  it('adds the increment per retry up to the cap', () => {
    const backoff = linear({ initialDelay: 100, increment: 50, maxDelay: 300 });
    expect([1, 2, 3, 4, 5, 6].map((n) => backoff.next(n, 0, fixed(0)))).toEqual([
      100, 150, 200, 250, 300, 300,
    ]);
    expect(linear({ initialDelay: 10 }).next(3, 0, fixed(0))).toBe(30);
  });

  it('stays within [initialDelay, maxDelay]', () => {
    fc.assert(
      fc.property(attempt, delayMs, delayMs, delayMs, (n, initial, increment, extra) => {
        const cap = initial + extra;
        const value = linear({ initialDelay: initial, increment, maxDelay: cap }).next(n, 0, fixed(0));
        return value >= initial && value <= cap;
      }),
    );
  });
});

describe('exponential', () => {
  it('without jitter doubles from the initial delay up to the cap', () => {
    const backoff = exponential({ initialDelay: 100, maxDelay: 1_000, jitter: 'none' });
    expect([1, 2, 3, 4, 5, 6].map((n) => backoff.next(n, 0, fixed(0.5)))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
    expect(exponential({ initialDelay: 10, factor: 3, jitter: 'none' }).next(3, 0, fixed(0))).toBe(90);
  });

  it('applies full, equal and decorrelated jitter as the AWS formulas say', () => {
    const full = exponential({ initialDelay: 100, maxDelay: 10_000, jitter: 'full' });
    expect(full.next(3, 0, fixed(0.25))).toBe(100);
    const equal = exponential({ initialDelay: 100, maxDelay: 10_000, jitter: 'equal' });
    expect(equal.next(3, 0, fixed(0.25))).toBe(250);
    const decorrelated = exponential({ initialDelay: 100, maxDelay: 10_000, jitter: 'decorrelated' });
    // uniform between base and 3 × previous: 100 + 0.5 × (900 − 100)
    expect(decorrelated.next(2, 300, fixed(0.5))).toBe(500);
    // before the first retry the previous wait counts as the base: 100 + 0.5 × 200
    expect(decorrelated.next(1, 0, fixed(0.5))).toBe(200);
    expect(decorrelated.next(9, 9_000, fixed(0.99))).toBe(10_000);
  });

  it('ignores huge attempt numbers gracefully', () => {
    expect(exponential({ jitter: 'none' }).next(100_000, 0, fixed(0))).toBe(30_000);
  });

  const settings = fc.record({
    base: fc.integer({ min: 0, max: 10_000 }),
    extra: fc.integer({ min: 0, max: 100_000 }),
    factor: fc.double({ min: 1, max: 4, noNaN: true }),
  });

  it.each<[Jitter, (value: number, ceiling: number, base: number, cap: number) => boolean]>([
    ['none', (v, c) => v === c],
    ['full', (v, c) => v >= 0 && v <= c],
    ['equal', (v, c) => v >= c / 2 && v <= c],
    ['decorrelated', (v, _c, base, cap) => v >= base && v <= cap],
  ])('%s jitter stays within its documented bounds', (jitter, holds) => {
    fc.assert(
      fc.property(settings, attempt, delayMs, unit, ({ base, extra, factor }, n, previous, u) => {
        const cap = base + extra;
        const backoff = exponential({ initialDelay: base, maxDelay: cap, factor, jitter });
        const value = backoff.next(n, previous, fixed(u));
        const ceiling = base === 0 ? 0 : Math.min(cap, base * factor ** (n - 1));
        return Number.isFinite(value) && value <= cap && holds(value, ceiling, base, cap);
      }),
    );
  });

  it('keeps decorrelated jitter in [base, cap] along a whole sequence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer(),
        (base, extra, seed) => {
          const cap = base + extra;
          const backoff = exponential({ initialDelay: base, maxDelay: cap, jitter: 'decorrelated' });
          const random = seededRandom(seed);
          let previous = 0;
          for (let n = 1; n <= 30; n++) {
            previous = backoff.next(n, previous, random);
            if (previous < base || previous > cap) return false;
          }
          return true;
        },
      ),
    );
  });
});

describe('decorrelatedJitterV2', () => {
  it('follows the published formula with its state', () => {
    const backoff = decorrelatedJitterV2({ meanFirstDelay: 100, maxDelay: 1e9 });
    const state = { carry: 0 };
    const term = (t: number) => 2 ** t * Math.tanh(Math.sqrt(4 * t));
    const first = backoff.next(1, 0, fixed(0.5), state);
    expect(first).toBeCloseTo((term(0.5) / 1.4) * 100, 9);
    expect(state.carry).toBeCloseTo(term(0.5), 12);
    const second = backoff.next(2, first, fixed(0.25), state);
    expect(second).toBeCloseTo(((term(1.25) - term(0.5)) / 1.4) * 100, 9);
  });

  it('telescopes: the total wait of a sequence is the last term scaled', () => {
    const backoff = decorrelatedJitterV2({ meanFirstDelay: 10, maxDelay: Number.POSITIVE_INFINITY });
    const state = { carry: 0 };
    const random = seededRandom('v2');
    let total = 0;
    for (let n = 1; n <= 8; n++) total += backoff.next(n, 0, random, state);
    expect(total).toBeCloseTo((state.carry / 1.4) * 10, 6);
  });

  it('is never negative and never above the cap, with or without state', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer(),
        fc.boolean(),
        (mean, cap, seed, stateful) => {
          const backoff = decorrelatedJitterV2({ meanFirstDelay: mean, maxDelay: cap });
          const random = seededRandom(seed);
          const state = stateful ? { carry: 0 } : undefined;
          for (let n = 1; n <= 1_100; n += n < 40 ? 1 : 97) {
            const value = backoff.next(n, 0, random, state);
            if (!(value >= 0 && value <= cap)) return false;
          }
          return true;
        },
      ),
    );
  });

  it('roughly doubles its waits per retry on average', () => {
    const backoff = decorrelatedJitterV2({ meanFirstDelay: 100, maxDelay: Number.POSITIVE_INFINITY });
    const random = seededRandom(7);
    const sums = [0, 0, 0, 0, 0, 0];
    const runs = 4_000;
    for (let r = 0; r < runs; r++) {
      const state = { carry: 0 };
      for (let n = 1; n <= sums.length; n++) sums[n - 1]! += backoff.next(n, 0, random, state);
    }
    const means = sums.map((s) => s / runs);
    for (let n = 2; n < means.length; n++) {
      const ratio = means[n]! / means[n - 1]!;
      expect(ratio).toBeGreaterThan(1.6);
      expect(ratio).toBeLessThan(2.4);
    }
  });
});

describe('backoff options', () => {
  it.each<[string, () => Backoff]>([
    ['delay', () => constant({ delay: -1 })],
    ['constant.wait', () => constant({ wait: 1 } as never)],
    ['initialDelay', () => linear({ initialDelay: Number.NaN })],
    ['increment', () => linear({ increment: -1 })],
    ['maxDelay', () => linear({ initialDelay: 100, maxDelay: 50 })],
    ['linear.step', () => linear({ step: 1 } as never)],
    ['initialDelay', () => exponential({ initialDelay: -5 })],
    ['maxDelay', () => exponential({ initialDelay: 100, maxDelay: 10 })],
    ['factor', () => exponential({ factor: 0.5 })],
    ['jitter', () => exponential({ jitter: 'partial' as never })],
    ['exponential.base', () => exponential({ base: 2 } as never)],
    ['meanFirstDelay', () => decorrelatedJitterV2({ meanFirstDelay: '1' as never })],
    ['maxDelay', () => decorrelatedJitterV2({ maxDelay: -1 })],
    ['decorrelatedJitterV2.cap', () => decorrelatedJitterV2({ cap: 1 } as never)],
  ])('rejects a bad %s', (field, build) => {
    expect(invalidOptionField(build)).toBe(field);
  });
});
