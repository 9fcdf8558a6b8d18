import { isInvalidOptionError } from '@keel/core/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Partitioner } from '../partitioner.js';
import { movedFraction, planKeyMoves } from '../rebalance.js';
import { BoundedLoad } from './bounded-load.js';
import { JumpHash, jumpBucket } from './jump-hash.js';
import { KetamaRing } from './ketama-ring.js';
import { Maglev } from './maglev.js';
import { Rendezvous } from './rendezvous.js';

const KEYS = Array.from({ length: 20_000 }, (_, i) => `key:${i}`);
const ids = (n: number) => Array.from({ length: n }, (_, i) => `shard-${i}`);

function maxOverMean(partitioner: Partitioner, keys: readonly (string | number)[] = KEYS): number {
  const counts = new Map<string, number>(partitioner.shards.map((s) => [s, 0]));
  for (const key of keys) {
    const shard = partitioner.getShard(key);
    counts.set(shard, counts.get(shard)! + 1);
  }
  return Math.max(...counts.values()) / (keys.length / partitioner.shards.length);
}

const factories: Record<string, (shards: string[]) => Partitioner> = {
  'jump hash': (s) => new JumpHash(s),
  'ketama ring (1000 vnodes)': (s) => new KetamaRing(s, { vnodes: 1000 }),
  rendezvous: (s) => new Rendezvous(s),
  maglev: (s) => new Maglev(s, { tableSize: 10_007 }),
};

describe('balance: max/mean load over 20 000 keys', () => {
  // Bounds allow the binomial noise of 20 000 keys (2000 per shard: ~2.2% sd) on top of each
  // algorithm's own imbalance.
  const bounds: Record<string, number> = {
    'jump hash': 1.1,
    'ketama ring (1000 vnodes)': 1.15,
    rendezvous: 1.1,
    maglev: 1.1,
  };
  for (const [name, make] of Object.entries(factories)) {
    it(`${name} stays within ${bounds[name]}`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 10 }), fc.string({ minLength: 1, maxLength: 6 }), (n, salt) => {
          const partitioner = make(ids(n).map((id) => `${salt}/${id}`));
          expect(maxOverMean(partitioner)).toBeLessThan(bounds[name]!);
        }),
        { numRuns: 8 },
      );
    });
  }

  it('the default 160-vnode ring stays within 1.35 (its known ~10% spread)', () => {
    expect(maxOverMean(new KetamaRing(ids(10)))).toBeLessThan(1.35);
  });

  it('bounded loads never exceed ceil((1 + epsilon) × average)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (n, epsilon) => {
          const bounded = new BoundedLoad(new KetamaRing(ids(n), { vnodes: 40 }), { epsilon });
          for (let i = 0; i < 2000; i++) {
            bounded.acquire(`k${i}`);
            const cap = Math.ceil(((1 + epsilon) * bounded.totalLoad) / n);
            expect(Math.max(...bounded.currentLoads)).toBeLessThanOrEqual(cap);
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it('weights give proportional shares', () => {
    const weighted = [
      { id: 'big', weight: 3 },
      { id: 'small', weight: 1 },
    ];
    for (const partitioner of [
      new KetamaRing(weighted, { vnodes: 1000 }),
      new Rendezvous(weighted),
      new Maglev(weighted),
    ]) {
      const big = KEYS.filter((k) => partitioner.getShard(k) === 'big').length / KEYS.length;
      expect(big).toBeGreaterThan(0.71);
      expect(big).toBeLessThan(0.79);
    }
  });
});

describe('movement when a shard is added', () => {
  it('jump hash moves exactly the keys that land on the new shard, about 1/(n+1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const before = new JumpHash(ids(n));
        const after = new JumpHash(ids(n + 1));
        const moves = planKeyMoves(KEYS, before, after);
        const landedOnNew = KEYS.filter((k) => after.getShard(k) === `shard-${n}`).length;
        expect(moves.every((m) => m.to === `shard-${n}`)).toBe(true);
        expect(moves.length).toBe(landedOnNew);
        expect(Math.abs(moves.length / KEYS.length - 1 / (n + 1))).toBeLessThan(0.02);
      }),
      { numRuns: 15 },
    );
  });

  it('jumpBucket is monotone in the bucket count for any hash', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 500 }), (hash, n) => {
        const a = jumpBucket(hash, n);
        const b = jumpBucket(hash, n + 1);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThan(n);
        expect(b === a || b === n).toBe(true);
      }),
    );
  });

  it('rendezvous moves only keys won by the new shard; removing one moves only its keys', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), (n) => {
        const before = new Rendezvous(ids(n));
        const after = new Rendezvous(ids(n + 1));
        const moves = planKeyMoves(KEYS, before, after);
        expect(moves.every((m) => m.to === `shard-${n}`)).toBe(true);
        expect(Math.abs(moves.length / KEYS.length - 1 / (n + 1))).toBeLessThan(0.02);
        const without = new Rendezvous(ids(n).filter((id) => id !== 'shard-0'));
        expect(planKeyMoves(KEYS, before, without).every((m) => m.from === 'shard-0')).toBe(true);
      }),
      { numRuns: 10 },
    );
  });

  it('a ring with enough vnodes moves close to 1/(n+1), all onto the new shard', () => {
    for (const n of [3, 7, 15]) {
      const before = new KetamaRing(ids(n), { vnodes: 1000 });
      const after = new KetamaRing(ids(n + 1), { vnodes: 1000 });
      const moves = planKeyMoves(KEYS, before, after);
      expect(moves.every((m) => m.to === `shard-${n}`)).toBe(true);
      expect(Math.abs(moves.length / KEYS.length - 1 / (n + 1))).toBeLessThan(0.25 / (n + 1));
    }
  });

  it('maglev moves a little more than 1/(n+1) but far less than a modulo hash', () => {
    const n = 9;
    const fraction = movedFraction(KEYS, new Maglev(ids(n)), new Maglev(ids(n + 1)));
    expect(fraction).toBeGreaterThanOrEqual(0.09);
    expect(fraction).toBeLessThan(0.2);
  });
});

describe('ketama ring lookup', () => {
  it('finds the first point at or after the hash, wrapping, like a plain scan', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 200 }),
        (n, vnodes, hashes) => {
          const ring = new KetamaRing(ids(n), { vnodes });
          const points = Array.from({ length: ring.positionCount }, (_, i) => i);
          // Positions are sorted by point: the first whose owner's point is >= hash is the answer.
          const pointAt = (position: number) =>
            (ring as unknown as { points: Uint32Array }).points[position]!;
          for (const hash of [...hashes, 0, 0xffffffff, pointAt(0), pointAt(points.length - 1)]) {
            const expected = points.find((p) => pointAt(p) >= hash) ?? 0;
            expect(ring.positionOf(hash)).toBe(expected);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('partitioner options', () => {
  it('reject bad shard lists, weights and options, naming the field', () => {
    const cases: [() => unknown, string][] = [
      [() => new JumpHash([]), 'shards'],
      [() => new JumpHash(['a', 'a']), 'shards[1]'],
      [() => new KetamaRing(['a', { id: 'b', weight: 0 }]), 'shards[1].weight'],
      [() => new KetamaRing(['a'], { vnodes: 0 }), 'vnodes'],
      [() => new KetamaRing(['a'], { vnodez: 3 } as never), 'options.vnodez'],
      [() => new Maglev(['a'], { tableSize: 100 }), 'tableSize'],
      [() => new Maglev(['a'], { size: 7 } as never), 'options.size'],
      [() => new Rendezvous([{ id: '', weight: 1 }]), 'shards[0]'],
      [() => new BoundedLoad(new KetamaRing(['a']), { epsilon: 0 }), 'epsilon'],
      [() => new BoundedLoad(new KetamaRing(['a']), { factor: 1 } as never), 'options.factor'],
    ];
    for (const [make, field] of cases) {
      let caught: unknown;
      try {
        make();
      } catch (error) {
        caught = error;
      }
      expect(isInvalidOptionError(caught), field).toBe(true);
      expect((caught as { field: string }).field).toBe(field);
    }
  });

  it('bounded load releases and reports capacity', () => {
    const bounded = new BoundedLoad(new Maglev(['a', 'b'], { tableSize: 101 }), { epsilon: 0.5 });
    const first = bounded.acquire('x');
    expect(bounded.totalLoad).toBe(1);
    expect(bounded.capacityOf('a')).toBe(Math.ceil(1.5 * 2 * 0.5));
    bounded.release(first);
    bounded.release(first);
    expect(bounded.totalLoad).toBe(0);
    expect(() => bounded.capacityOf('zz' as never)).toThrow(RangeError);
    expect(bounded.getShard('x')).toBe(first);
  });

  it('number keys are placed and differ from their text', () => {
    const ring = new KetamaRing(ids(5));
    const numeric = Array.from({ length: 5000 }, (_, i) => i);
    expect(maxOverMean(ring, numeric)).toBeLessThan(1.5);
  });
});
