import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom, seededRandom } from './random.js';

describe('SeededRandom', () => {
  it('repeats the same sequence for the same seed, numeric or string', () => {
    for (const seed of [0, 1, 42, 'keel']) {
      const a = seededRandom(seed);
      const b = seededRandom(seed);
      for (let i = 0; i < 100; i++) expect(a.next()).toBe(b.next());
    }
  });

  it('gives different sequences for different seeds', () => {
    expect(seededRandom(1).next()).not.toBe(seededRandom(2).next());
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const r = new SeededRandom(seed);
        let sum = 0;
        for (let i = 0; i < 2000; i++) {
          const x = r.next();
          if (x < 0 || x >= 1) return false;
          sum += x;
        }
        return Math.abs(sum / 2000 - 0.5) < 0.05;
      }),
    );
  });

  it('saves and restores its position', () => {
    const r = seededRandom(9);
    r.next();
    const state = r.getState();
    const expected = [r.next(), r.next()];
    r.setState(state);
    expect([r.next(), r.next()]).toEqual(expected);
  });

  it('nextInt and between respect their bounds', () => {
    const r = seededRandom(3);
    for (let i = 0; i < 1000; i++) {
      const n = r.nextInt(6);
      expect(Number.isInteger(n) && n >= 0 && n < 6).toBe(true);
      const x = r.between(-2, 3);
      expect(x >= -2 && x < 3).toBe(true);
    }
    expect(r.fork().next()).not.toBe(r.fork().next());
  });
});
