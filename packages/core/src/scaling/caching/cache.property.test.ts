import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { SeededRandom } from '../../random/index.js';
import { Cache } from './cache.js';
import { lru } from './policies/lru.js';
import { s3Fifo } from './policies/s3-fifo.js';
import { wTinyLfu } from './policies/w-tinylfu.js';

const policies = { 'w-tinylfu': wTinyLfu, lru, 's3-fifo': s3Fifo } as const;

const operation = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    key: fc.nat(40),
    size: fc.integer({ min: 0, max: 9 }),
    ttl: fc.option(fc.integer({ min: 1, max: 50 })),
  }),
  fc.record({ op: fc.constant('get' as const), key: fc.nat(40) }),
  fc.record({ op: fc.constant('delete' as const), key: fc.nat(40) }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 20 }) }),
);

type CacheKey = number | string;
/**
 * Keys of every kind the index treats apart: 32-bit integers and short strings (its own table),
 * long strings and fractional numbers (its Map).
 */
function keyOf(n: number): CacheKey {
  switch (n % 4) {
    case 0:
      return n;
    case 1:
      return `k${n}`;
    case 2:
      return `a-cache-key-longer-than-the-table-takes-${n}`;
    default:
      return n + 0.5;
  }
}

describe('Cache properties', () => {
  it('never exceeds its bounds, and a read returns the last value set unless it was removed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(policies) as (keyof typeof policies)[])),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 5, max: 40 })),
        fc.array(operation, { maxLength: 300 }),
        (policyName, bound, sized, idleTtl, operations) => {
          const clock = new VirtualClock();
          const cache = new Cache<CacheKey, { key: CacheKey; size: number; version: number }>({
            // Sized caches are bounded by entries too, so both bounds are exercised together.
            ...(sized
              ? { maxSize: bound * 4, sizeOf: (value) => value.size, maxEntries: bound * 2 }
              : { maxEntries: bound }),
            policy: policies[policyName](),
            ...(idleTtl === null ? {} : { idleTtl }),
            clock,
            random: new SeededRandom(1),
          });
          // When each key must be gone by: its write deadline, or idleTtl after its last read or write.
          const writeDeadline = new Map<CacheKey, number>();
          const lastTouch = new Map<CacheKey, number>();
          const deadline = (key: CacheKey): number =>
            Math.min(
              writeDeadline.get(key)!,
              (lastTouch.get(key) ?? 0) + (idleTtl ?? Number.POSITIVE_INFINITY),
            );
          // The model: the value each key should hold, unless the cache reported its removal.
          const model = new Map<CacheKey, { key: CacheKey; size: number; version: number }>();
          cache.onRemoved(({ key, value, reason }) => {
            // Never expired before its deadline (the maps still hold the leaving entry's times).
            if (reason === 'expired') expect(clock.now()).toBeGreaterThanOrEqual(deadline(key));
            if (reason !== 'replaced' && model.get(key) === value) model.delete(key);
          });
          let version = 0;
          for (const step of operations) {
            const key = 'key' in step ? keyOf(step.key) : 0;
            if (step.op === 'set') {
              const value = { key: key, size: step.size, version: version++ };
              model.set(key, value);
              cache.set(key, value, step.ttl === null ? undefined : { ttl: step.ttl });
              writeDeadline.set(key, clock.now() + (step.ttl ?? Number.POSITIVE_INFINITY));
              lastTouch.set(key, clock.now());
              // A write first lets go of every entry whose deadline fell in an earlier 64 ms tick
              // (the model's keys are exactly those stored).
              for (const stored of model.keys())
                expect(Math.floor(deadline(stored) / 64)).toBeGreaterThanOrEqual(
                  Math.floor(clock.now() / 64),
                );
            } else if (step.op === 'get') {
              const due = writeDeadline.has(key) ? deadline(key) : Number.POSITIVE_INFINITY;
              const got = cache.get(key);
              expect(got).toBe(model.get(key));
              // Never served at or past its deadline; a read before it slides the idle deadline.
              if (clock.now() >= due) expect(got).toBeUndefined();
              if (got !== undefined) lastTouch.set(key, clock.now());
            } else if (step.op === 'delete') {
              cache.delete(key);
              model.delete(key);
            } else {
              clock.advance(step.ms);
            }
            if (sized) {
              expect(cache.totalSize).toBeLessThanOrEqual(bound * 4);
              expect(cache.size).toBeLessThanOrEqual(bound * 2);
            } else expect(cache.size).toBeLessThanOrEqual(bound);
            for (const key of cache.keys()) expect(cache.peek(key)).toBe(model.get(key));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('serves an entry exactly until its deadline: its time to live, or idleTtl after its last read or write', () => {
    const step = fc.oneof(
      fc.record({
        op: fc.constant('set' as const),
        key: fc.nat(3),
        ttl: fc.option(fc.integer({ min: 1, max: 60 }), { freq: 2 }),
      }),
      fc.record({ op: fc.constant('get' as const), key: fc.nat(3) }),
      fc.record({ op: fc.constant('peek' as const), key: fc.nat(3) }),
      fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 15 }) }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(policies) as (keyof typeof policies)[])),
        fc.integer({ min: 2, max: 30 }),
        fc.array(step, { minLength: 10, maxLength: 120, size: 'max' }),
        (policyName, idleTtl, steps) => {
          const clock = new VirtualClock();
          // Room for every key: nothing is evicted, so only the deadlines decide.
          const cache = new Cache<number, number>({
            maxEntries: 8,
            idleTtl,
            policy: policies[policyName](),
            clock,
          });
          const model = new Map<number, { value: number; writeDeadline: number; lastTouch: number }>();
          const alive = (key: number): boolean => {
            const entry = model.get(key);
            return (
              entry !== undefined && clock.now() < Math.min(entry.writeDeadline, entry.lastTouch + idleTtl)
            );
          };
          let value = 0;
          for (const next of steps) {
            if (next.op === 'set') {
              value++;
              cache.set(next.key, value, next.ttl === null ? undefined : { ttl: next.ttl });
              const writeDeadline = clock.now() + (next.ttl ?? Number.POSITIVE_INFINITY);
              model.set(next.key, { value, writeDeadline, lastTouch: clock.now() });
            } else if (next.op === 'get') {
              const expected = alive(next.key) ? model.get(next.key)!.value : undefined;
              expect(cache.get(next.key)).toBe(expected);
              if (expected === undefined) model.delete(next.key);
              else model.get(next.key)!.lastTouch = clock.now();
            } else if (next.op === 'peek') {
              // Looking is not reading: the deadline stays where it was.
              expect(cache.peek(next.key)).toBe(alive(next.key) ? model.get(next.key)!.value : undefined);
            } else {
              clock.advance(next.ms);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
