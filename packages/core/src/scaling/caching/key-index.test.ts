import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashCacheKey, mix32 } from './hash.js';
import { KeyIndex, MAX_DISPLACEMENT, SHORT_KEY_LENGTH } from './key-index.js';
import { FIRST_SLOT } from './policies/policy.js';

/** The multiplicative inverse of an odd number modulo 2^32 (Newton's iteration). */
function inverse(odd: number): number {
  let x = odd;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(odd, x));
  return x;
}

/** The integer key whose table hash is `hash`: the MurmurHash3 finaliser run backwards. */
function keyWithHash(hash: number): number {
  let h = hash >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, inverse(0xc2b2ae35)) >>> 0;
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, inverse(0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  return h | 0;
}

/** An index over its own cells, with the hash the cache would pass (the policies' hash). */
function harness<K>() {
  const cells: unknown[] = [];
  const index = new KeyIndex<K>(cells);
  index.growSlots(4096);
  const slotOf = new Map<K, number>();
  const free: number[] = [];
  let next = FIRST_SLOT;
  return {
    index,
    slotOf,
    add(key: K): void {
      const slot = free.pop() ?? next++;
      cells[slot << 1] = key;
      index.insert(key, slot, mix32(hashCacheKey(key)));
      slotOf.set(key, slot);
    },
    remove(key: K): void {
      const slot = slotOf.get(key)!;
      index.remove(slot);
      cells[slot << 1] = undefined;
      slotOf.delete(key);
      free.push(slot);
    },
    /** Every known key is found at its slot, and the index holds nothing else. */
    check(probes: readonly K[]): void {
      for (const key of probes) expect(index.find(key)).toBe(slotOf.get(key) ?? -1);
      expect(index.size).toBe(slotOf.size);
      expect(index.slots().sort((a, b) => a - b)).toEqual([...slotOf.values()].sort((a, b) => a - b));
    },
  };
}

describe('KeyIndex', () => {
  it('agrees with a Map on every kind of key, through inserts and removals', () => {
    const key = fc.oneof(
      fc.integer({ min: -50, max: 50 }),
      fc.constantFrom(0, -0, Number.NaN, 2 ** 31, -(2 ** 31), 0.5, Number.POSITIVE_INFINITY),
      fc.string({ maxLength: SHORT_KEY_LENGTH + 4 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.constantFrom(true, null, undefined),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), key), { maxLength: 400 }), (steps) => {
        const { add, remove, check } = harness<unknown>();
        // SameValueZero, as a Map compares keys: -0 is 0, and NaN is itself.
        const model = new Map<unknown, true>();
        for (const [adding, raw] of steps) {
          const present = model.has(raw);
          if (adding && !present) {
            add(raw);
            model.set(raw, true);
          } else if (!adding && present) {
            remove(raw);
            model.delete(raw);
          }
        }
        check([...model.keys(), ...steps.map(([, k]) => k)]);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps runs intact when colliding hashes wrap round the end of the table', () => {
    // Homes in the last and first cells of the 64-cell table, with different high bits: long runs
    // that wrap, where backward-shift deletion must decide which entries may move into a hole.
    const homes = [61, 62, 63, 0, 1];
    const keys = Array.from({ length: 30 }, (_, i) => keyWithHash((i << 12) | homes[i % homes.length]!));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.constantFrom(...keys)), { maxLength: 300 }), (steps) => {
        const { add, remove, slotOf, check } = harness<number>();
        for (const [adding, key] of steps) {
          if (adding && !slotOf.has(key)) add(key);
          else if (!adding && slotOf.has(key)) remove(key);
          check(keys);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('hands every key to the Map when a flood of colliding hashes arrives, and still finds them', () => {
    const { add, remove, index, check } = harness<unknown>();
    // Every key's hash has the same low 20 bits: one home in any table this size.
    const flood = Array.from({ length: MAX_DISPLACEMENT + 20 }, (_, i) => keyWithHash((i + 1) << 20));
    for (const key of flood) expect(mix32(hashCacheKey(key)) & 0xfffff).toBe(0);
    const bystanders = ['a', 'b', 7, 8];
    for (const key of bystanders) add(key);
    expect(index.usesTable).toBe(true);
    for (const key of flood) add(key);
    expect(index.usesTable).toBe(false);
    check([...flood, ...bystanders]);
    for (const key of flood.slice(0, 50)) remove(key);
    add(12345);
    check([...flood, ...bystanders, 12345]);
    // Cleared, it stays on the Map: the keys that flooded it may come again.
    index.clear();
    expect(index.size).toBe(0);
    expect(index.usesTable).toBe(false);
  });

  it('grows past its first table and finds every key afterwards', () => {
    const { add, remove, check } = harness<string>();
    const keys = Array.from({ length: 3000 }, (_, i) => `user:${i}`);
    for (const key of keys) add(key);
    for (const key of keys.slice(0, 1000)) remove(key);
    check([...keys, 'user:x', 'absent']);
  });
});
