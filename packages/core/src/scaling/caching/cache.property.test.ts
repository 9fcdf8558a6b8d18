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

describe('Cache properties', () => {
  it('never exceeds its bounds, and a read returns the last value set unless it was removed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(policies) as (keyof typeof policies)[])),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.array(operation, { maxLength: 300 }),
        (policyName, bound, sized, operations) => {
          const clock = new VirtualClock();
          const cache = new Cache<number, { key: number; size: number; version: number }>({
            ...(sized ? { maxSize: bound * 4, sizeOf: (value) => value.size } : { maxEntries: bound }),
            policy: policies[policyName](),
            clock,
            random: new SeededRandom(1),
          });
          // The model: the value each key should hold, unless the cache reported its removal.
          const model = new Map<number, { key: number; size: number; version: number }>();
          cache.onRemoved(({ key, value, reason }) => {
            if (reason !== 'replaced' && model.get(key) === value) model.delete(key);
          });
          let version = 0;
          for (const step of operations) {
            if (step.op === 'set') {
              const value = { key: step.key, size: step.size, version: version++ };
              model.set(step.key, value);
              cache.set(step.key, value, step.ttl === null ? undefined : { ttl: step.ttl });
            } else if (step.op === 'get') {
              const got = cache.get(step.key);
              expect(got).toBe(model.get(step.key));
            } else if (step.op === 'delete') {
              cache.delete(step.key);
              model.delete(step.key);
            } else {
              clock.advance(step.ms);
            }
            if (sized) expect(cache.totalSize).toBeLessThanOrEqual(bound * 4);
            else expect(cache.size).toBeLessThanOrEqual(bound);
            for (const key of cache.keys()) expect(cache.peek(key)).toBe(model.get(key));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
