import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShardMapChangeError, isWrongShardError, type WrongShardError } from './errors.js';
import { checkRoute, compareKeys, RangeShardMap } from './range-map.js';
import { planRangeMoves } from './rebalance.js';

describe('compareKeys', () => {
  it('orders strings like their UTF-8 bytes', () => {
    const encoder = new TextEncoder();
    const byteOrder = (a: Uint8Array, b: Uint8Array): number => {
      for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
      return a.length - b.length;
    };
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(byteOrder(encoder.encode(a), encoder.encode(b))));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('RangeShardMap', () => {
  const base = RangeShardMap.fromSplits(['g', 'p'], ['s0', 's1', 's2']);

  it('routes by range and lists its ranges', () => {
    expect(base.getShard('apple')).toBe('s0');
    expect(base.getShard('g')).toBe('s1');
    expect(base.getShard('orange')).toBe('s1');
    expect(base.getShard('zebra')).toBe('s2');
    expect(base.getShard('')).toBe('s0');
    expect(base.rangeOf('h')).toEqual({ start: 'g', end: 'p', shard: 's1', since: 1 });
    expect(base.shards).toEqual(['s0', 's1', 's2']);
    expect(base.epoch).toBe(1);
  });

  it('split keeps owners and since; reassign bumps since; merge needs one owner', () => {
    const split = base.split('k');
    expect(split.epoch).toBe(2);
    expect(split.rangeOf('m')).toEqual({ start: 'k', end: 'p', shard: 's1', since: 1 });
    const moved = split.reassign('k', 's3');
    expect(moved.epoch).toBe(3);
    expect(moved.rangeOf('m')).toEqual({ start: 'k', end: 'p', shard: 's3', since: 3 });
    expect(() => moved.merge('k')).toThrow(/owned by s1 and s3/);
    const back = moved.reassign('k', 's1').merge('k');
    expect(back.ranges).toHaveLength(3);
    expect(back.rangeOf('m')).toMatchObject({ start: 'g', end: 'p', shard: 's1', since: 4 });
    expect(back.epoch).toBe(5);
  });

  it('refuses impossible changes with ShardMapChangeError', () => {
    const attempts = [
      () => base.split('g'),
      () => base.merge(''),
      () => base.merge('zz'),
      () => base.reassign('h', 's1'),
      () => RangeShardMap.fromSplits(['b', 'a'], ['x', 'y', 'z']),
      () => RangeShardMap.fromSplits(['a'], ['x']),
      () => RangeShardMap.fromJSON({ epoch: 1, ranges: [{ start: 'a', shard: 'x', since: 1 }] }),
      () => RangeShardMap.fromJSON({ epoch: 1, ranges: [{ start: '', shard: 'x', since: 2 }] }),
    ];
    for (const attempt of attempts) expect(isShardMapChangeError(catchError(attempt))).toBe(true);
  });

  it('round-trips through JSON', () => {
    const map = base.split('k').reassign('k', 's3');
    const copy = RangeShardMap.fromJSON(JSON.parse(JSON.stringify(map)));
    expect(copy.ranges).toEqual(map.ranges);
    expect(copy.epoch).toBe(map.epoch);
  });

  it('any sequence of splits and reassignments keeps every key owned by exactly its range', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 3 }), fc.constantFrom('a', 'b', 'c')), {
          maxLength: 20,
        }),
        fc.array(fc.string({ maxLength: 4 }), { minLength: 1, maxLength: 30 }),
        (changes, keys) => {
          let map = RangeShardMap.single<string>('a');
          for (const [at, owner] of changes) {
            if (map.rangeOf(at).start !== at) map = map.split(at);
            map = map.reassign(at, owner);
          }
          for (const key of keys) {
            const range = map.rangeOf(key);
            expect(compareKeys(range.start, key)).toBeLessThanOrEqual(0);
            if (range.end !== undefined) expect(compareKeys(key, range.end)).toBeLessThan(0);
            expect(map.getShard(key)).toBe(range.shard);
          }
        },
      ),
    );
  });
});

describe('checkRoute', () => {
  const current = RangeShardMap.fromSplits(['m'], ['s0', 's1']).split('t').reassign('t', 's2'); // epoch 3

  it('accepts an old router for a key whose range never moved', () => {
    expect(() => checkRoute(current, 'apple', 's0', 1)).not.toThrow();
    expect(() => checkRoute(current, 'night', 's1', 2)).not.toThrow();
  });

  it('refuses a stale route with the current epoch', () => {
    const error = catchError(() => checkRoute(current, 'zebra', 's1', 2)) as WrongShardError;
    expect(isWrongShardError(error)).toBe(true);
    expect(error).toMatchObject({ key: 'zebra', shard: 's1', routedEpoch: 2, currentEpoch: 3 });
    // Right shard but a map older than the move: still refused, the router must catch up.
    expect(isWrongShardError(catchError(() => checkRoute(current, 'zebra', 's2', 2)))).toBe(true);
    expect(() => checkRoute(current, 'zebra', 's2', 3)).not.toThrow();
  });
});

describe('planRangeMoves', () => {
  it('lists exactly the ranges that change owner, merging neighbours', () => {
    const before = RangeShardMap.fromSplits(['d', 'k', 'r'], ['a', 'b', 'b', 'c']);
    const after = RangeShardMap.fromSplits(['f', 'k', 'r'], ['a', 'c', 'c', 'c']);
    // [d, f) goes from b to a; [f, k) and [k, r) both go from b to c: one entry.
    expect(planRangeMoves(before, after)).toEqual([
      { start: 'd', end: 'f', from: 'b', to: 'a' },
      { start: 'f', end: 'r', from: 'b', to: 'c' },
    ]);
    expect(planRangeMoves(before, before.split('m'))).toEqual([]);
  });

  it('agrees with key-by-key comparison', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 2 }), { maxLength: 6 }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 2 }), { maxLength: 6 }),
        fc.array(fc.string({ maxLength: 3 }), { maxLength: 40 }),
        (a, b, keys) => {
          const owners = ['x', 'y', 'z'];
          const before = RangeShardMap.fromSplits(
            a.sort(compareKeys),
            [...a, ''].map((_, i) => owners[i % 3]!),
          );
          const after = RangeShardMap.fromSplits(
            b.sort(compareKeys),
            [...b, ''].map((_, i) => owners[(i + 1) % 3]!),
          );
          const moves = planRangeMoves(before, after);
          for (const key of keys) {
            const move = moves.find(
              (m) => compareKeys(m.start, key) <= 0 && (m.end === undefined || compareKeys(key, m.end) < 0),
            );
            if (before.getShard(key) === after.getShard(key)) expect(move).toBeUndefined();
            else expect(move).toMatchObject({ from: before.getShard(key), to: after.getShard(key) });
          }
        },
      ),
    );
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
