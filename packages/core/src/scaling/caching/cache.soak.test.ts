import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { SeededRandom } from '../../random/index.js';
import { Cache } from './cache.js';
import { lru } from './policies/lru.js';
import { s3Fifo } from './policies/s3-fifo.js';
import { wTinyLfu } from './policies/w-tinylfu.js';

// A long seeded run at sizes the property tests do not reach: thousands of keys of every kind the
// index treats apart (so its table grows, shrinks to nothing on clear, and mixes with its Map),
// deadlines from milliseconds to weeks (so every level of the timer wheel and its overflow list is
// used), and time moving by anything from nothing to hours. A model follows every removal event.

type Key = number | string;

/** Checked in line with plain comparisons: 150,000 steps of `expect` calls would dominate the run. */
function fail(step: number, message: string): never {
  throw new Error(`step ${step}: ${message}`);
}
const MINUTE = 60_000;

function keyOf(n: number): Key {
  switch (n % 5) {
    case 0:
      return n;
    case 1:
      return `k:${n}`;
    case 2:
      return `a-long-cache-key-kept-in-the-map:${n}`;
    case 3:
      return n + 0.25;
    default:
      return -n;
  }
}

describe.each([wTinyLfu(), lru(), s3Fifo()])('Cache soak with $name', (policy) => {
  it('agrees with a model of values and deadlines over 150,000 seeded operations', () => {
    const random = new SeededRandom(2026);
    const clock = new VirtualClock(1_700_000_000_000);
    const capacity = 1_500;
    const cache = new Cache<Key, number>({
      maxEntries: capacity,
      ttlJitter: 0,
      clock,
      random: new SeededRandom(1),
      policy,
    });
    const model = new Map<Key, { value: number; deadline: number }>();
    // Listener errors are rethrown asynchronously, so violations are collected and checked in line.
    const earlyExpiries: Key[] = [];
    cache.onRemoved(({ key, value, reason }) => {
      const entry = model.get(key);
      if (entry?.value !== value) return;
      if (reason === 'expired' && clock.now() < entry.deadline) earlyExpiries.push(key);
      if (reason !== 'replaced') model.delete(key);
    });
    const ttls = [
      5,
      300,
      20_000,
      10 * MINUTE,
      6 * 60 * MINUTE,
      20 * 24 * 60 * MINUTE,
      Number.POSITIVE_INFINITY,
    ];
    let value = 0;
    for (let step = 0; step < 150_000; step++) {
      const key = keyOf(random.nextInt(5_000));
      const roll = random.next();
      if (roll < 0.45) {
        const ttl = ttls[random.nextInt(ttls.length)]!;
        value++;
        cache.set(key, value, { ttl });
        // Recorded after the write: it may first expire this key's previous entry.
        model.set(key, { value, deadline: clock.now() + ttl });
        // The write let go of everything due before the current 64 ms tick.
        const tick = Math.floor(clock.now() / 64);
        if (step % 97 === 0)
          for (const [stored, entry] of model)
            if (Math.floor(entry.deadline / 64) < tick) fail(step, `${String(stored)} outlived its tick`);
      } else if (roll < 0.85) {
        const entry = model.get(key);
        const got = cache.get(key);
        const expected = entry === undefined || clock.now() >= entry.deadline ? undefined : entry.value;
        if (got !== expected) fail(step, `get ${String(key)} gave ${got}, expected ${expected}`);
      } else if (roll < 0.93) {
        const entry = model.get(key);
        if (cache.delete(key) !== (entry !== undefined)) fail(step, `delete ${String(key)}`);
        model.delete(key);
      } else if (roll < 0.9995) {
        // Mostly small steps, sometimes minutes or hours.
        const scale = random.next();
        clock.advance(
          scale < 0.8
            ? random.nextInt(50)
            : scale < 0.98
              ? random.nextInt(5 * MINUTE)
              : random.nextInt(3 * 60 * MINUTE),
        );
      } else {
        cache.clear();
        model.clear();
      }
      if (earlyExpiries.length > 0) fail(step, `expired early: ${earlyExpiries.join(', ')}`);
      if (cache.size !== model.size || cache.size > capacity)
        fail(step, `size ${cache.size}, model ${model.size}, capacity ${capacity}`);
    }
    // Everything the model holds is found, unless its deadline has passed.
    for (const [key, entry] of model)
      expect(cache.peek(key)).toBe(clock.now() < entry.deadline ? entry.value : undefined);
    const due = [...model.values()].filter((entry) => clock.now() >= entry.deadline).length;
    expect(cache.purgeExpired()).toBe(due);
    expect(cache.size).toBe(model.size);
  });
});
