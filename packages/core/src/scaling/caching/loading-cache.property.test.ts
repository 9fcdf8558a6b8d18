import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { sleep } from '../../signal/index.js';
import { LoadingCache } from './loading-cache.js';

/** Key 4 exists for the loader but is never returned by loadMany. */
const MISSING_FROM_BATCHES = 4;

const step = fc.oneof(
  fc.record({ op: fc.constant('get' as const), key: fc.nat(4), abortAfter: fc.option(fc.nat(60)) }),
  fc.record({
    op: fc.constant('getAll' as const),
    keys: fc.array(fc.nat(4), { minLength: 1, maxLength: 5 }),
    abortAfter: fc.option(fc.nat(60)),
  }),
  fc.record({ op: fc.constant('set' as const), key: fc.nat(4) }),
  fc.record({ op: fc.constant('delete' as const), key: fc.nat(4) }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 40 }) }),
);

describe('LoadingCache properties', () => {
  it('get and getAll under any interleaving: one load per key at a time, right keys, nothing left hanging', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), fc.boolean(), async (steps, batched) => {
        const clock = new VirtualClock();
        // A set or delete abandons the key's running load (its result must not be stored), so a
        // second load may start: the rule is one load per key per write generation.
        const generation = new Map<number, number>();
        const inFlight = new Map<string, number>();
        let worst = 0;
        const begin = (key: number): string => {
          const slot = `${key}/${generation.get(key) ?? 0}`;
          const now = (inFlight.get(slot) ?? 0) + 1;
          inFlight.set(slot, now);
          worst = Math.max(worst, now);
          return slot;
        };
        const end = (slot: string) => inFlight.set(slot, inFlight.get(slot)! - 1);
        let loads = 0;
        const cache = new LoadingCache<number, string>(
          async (key, { signal }) => {
            const slot = begin(key);
            try {
              await sleep(clock, 30, signal);
              return `${key}:load${++loads}`;
            } finally {
              end(slot);
            }
          },
          {
            clock,
            ttl: 100,
            ttlJitter: 0,
            ...(batched
              ? {
                  loadMany: async (keys: readonly number[], { signal }: { signal: AbortSignal }) => {
                    const slots = keys.map(begin);
                    try {
                      await sleep(clock, 30, signal);
                      const batch = ++loads;
                      return keys
                        .filter((key) => key !== MISSING_FROM_BATCHES)
                        .map((key) => [key, `${key}:batch${batch}`] as const);
                    } finally {
                      for (const slot of slots) end(slot);
                    }
                  },
                }
              : {}),
          },
        );
        const pending: Promise<void>[] = [];
        let writes = 0;
        const belongsTo = (key: number, value: string | undefined) => {
          if (value !== undefined) expect(value.startsWith(`${key}:`)).toBe(true);
        };
        for (const next of steps) {
          if (next.op === 'tick') {
            await clock.advanceAsync(next.ms);
            continue;
          }
          if (next.op === 'set') {
            generation.set(next.key, (generation.get(next.key) ?? 0) + 1);
            await cache.set(next.key, `${next.key}:set${++writes}`);
            continue;
          }
          if (next.op === 'delete') {
            generation.set(next.key, (generation.get(next.key) ?? 0) + 1);
            cache.delete(next.key);
            continue;
          }
          const controller = new AbortController();
          if (next.abortAfter !== null)
            clock.setTimeout(() => controller.abort(new Error('left')), next.abortAfter);
          const options = { signal: controller.signal };
          const settled =
            next.op === 'get'
              ? cache.get(next.key, options).then((value) => belongsTo(next.key, value))
              : cache.getAll(next.keys, options).then((found) => {
                  for (const [key, value] of found) {
                    expect(next.keys).toContain(key);
                    belongsTo(key, value);
                  }
                });
          // An abandoned wait rejects with its reason; anything else is a failure.
          pending.push(
            settled.catch((error: unknown) => {
              expect(controller.signal.aborted && error === controller.signal.reason).toBe(true);
            }),
          );
        }
        // Long enough for every load (each 30 ms, a get possibly retrying once after a batch).
        for (let i = 0; i < 20; i++) await clock.advanceAsync(50);
        await Promise.all(pending);
        expect(worst).toBeLessThanOrEqual(1);
        expect([...inFlight.values()].every((count) => count === 0)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
