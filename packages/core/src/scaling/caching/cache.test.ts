import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isInvalidOptionError } from '../../errors/index.js';
import { SeededRandom } from '../../random/index.js';
import { Cache, type CacheRemoval } from './cache.js';
import { lru } from './policies/lru.js';
import { s3Fifo } from './policies/s3-fifo.js';
import { wTinyLfu } from './policies/w-tinylfu.js';

const policies = [wTinyLfu(), lru(), s3Fifo()];

describe.each(policies)('Cache with $name', (policy) => {
  it('returns what was set, counts hits and misses', () => {
    const cache = new Cache<string, number>({ maxEntries: 10, policy });
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBe(2);
    expect(cache.get('c')).toBeUndefined();
    expect(cache.size).toBe(2);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1, evictions: 0, size: 2 });
    expect(cache.stats().hitRatio).toBeCloseTo(2 / 3);
    cache.resetStats();
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, hitRatio: 0 });
  });

  it('never holds more than maxEntries, and reports each eviction', () => {
    const cache = new Cache<number, number>({ maxEntries: 5, policy });
    const removed: CacheRemoval<number, number>[] = [];
    cache.onRemoved((removal) => removed.push(removal));
    for (let i = 0; i < 50; i++) {
      cache.set(i, i * 10);
      expect(cache.size).toBeLessThanOrEqual(5);
    }
    expect(cache.size).toBe(5);
    const stats = cache.stats();
    expect(stats.evictions + stats.admissionRejections).toBe(45);
    expect(removed).toHaveLength(45);
    for (const removal of removed) {
      expect(['evicted', 'rejected']).toContain(removal.reason);
      expect(removal.value).toBe(removal.key * 10);
    }
    for (const key of cache.keys()) expect(cache.peek(key)).toBe(key * 10);
  });

  it('a full cache makes room first: listeners see the newcomer stored and the bound kept', () => {
    const cache = new Cache<number, number>({ maxEntries: 3, policy });
    const seen: string[] = [];
    let incoming = -1;
    // What each listener call observes: size, whether the newcomer is stored, whether the leaver is gone.
    cache.onRemoved(({ key }) =>
      seen.push(`${cache.size} ${cache.peek(incoming) === incoming} ${!cache.has(key)}`),
    );
    for (let i = 0; i < 20; i++) {
      incoming = i;
      cache.get(i % 7);
      cache.set(i, i);
    }
    expect(seen).toEqual(Array.from({ length: 17 }, () => '3 true true'));
    // A listener that stores again during the eviction still leaves the cache within its bound.
    const reentrant = new Cache<number, number>({ maxEntries: 2, policy });
    reentrant.onRemoved(({ key, reason }) => {
      if (reason !== 'deleted' && key < 100) reentrant.set(key + 100, key);
    });
    for (let i = 0; i < 10; i++) {
      reentrant.set(i, i);
      expect(reentrant.size).toBeLessThanOrEqual(2);
    }
    for (const key of reentrant.keys()) expect(reentrant.peek(key)).toBeDefined();
  });

  it('updates in place, emitting the replaced value', () => {
    const cache = new Cache<string, string>({ maxEntries: 3, policy });
    const reasons: string[] = [];
    cache.onRemoved(({ value, reason }) => reasons.push(`${reason}:${value}`));
    cache.set('k', 'v1');
    cache.set('k', 'v2');
    expect(cache.get('k')).toBe('v2');
    expect(cache.size).toBe(1);
    expect(cache.delete('k')).toBe(true);
    expect(cache.delete('k')).toBe(false);
    expect(reasons).toEqual(['replaced:v1', 'deleted:v2']);
  });

  it('peek and has change neither statistics nor standing', () => {
    const cache = new Cache<string, number>({ maxEntries: 2, policy });
    cache.set('a', 1);
    expect(cache.peek('a')).toBe(1);
    expect(cache.has('a')).toBe(true);
    expect(cache.has('z')).toBe(false);
    expect(cache.peek('z')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0 });
  });

  it('setting undefined deletes', () => {
    const cache = new Cache<string, number | undefined>({ maxEntries: 2, policy });
    cache.set('a', 1);
    cache.set('a', undefined);
    expect(cache.has('a')).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('clear empties the cache and reports each entry', () => {
    const cache = new Cache<number, number>({ maxEntries: 4, policy });
    const cleared: number[] = [];
    for (let i = 0; i < 4; i++) cache.set(i, i);
    cache.onRemoved(({ key, reason }) => reason === 'cleared' && cleared.push(key));
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cleared.sort()).toEqual([0, 1, 2, 3]);
    for (let i = 0; i < 10; i++) cache.set(i, i);
    expect(cache.size).toBe(4);
  });

  it('bounds the total size measured by sizeOf', () => {
    const cache = new Cache<string, string>({ maxSize: 20, sizeOf: (value) => value.length, policy });
    const rejected: string[] = [];
    cache.onRemoved(({ key, reason }) => reason === 'rejected' && rejected.push(key));
    for (let i = 0; i < 30; i++) {
      cache.set(`k${i}`, 'x'.repeat(1 + (i % 7)));
      expect(cache.totalSize).toBeLessThanOrEqual(20);
    }
    cache.set('huge', 'x'.repeat(21));
    expect(cache.has('huge')).toBe(false);
    expect(rejected).toContain('huge');
  });

  it('a set after a miss of the same key stores one entry, whatever ran in between', () => {
    const clock = new VirtualClock();
    const cache = new Cache<string, number>({ maxEntries: 4, policy, clock });
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', 1).set('a', 2);
    expect(cache.size).toBe(1);
    // A miss, then other keys inserted (one of them the missed key, via a listener) before its set.
    const removals: string[] = [];
    cache.onRemoved(({ key, value, reason }) => {
      removals.push(`${key}=${value} ${reason}`);
      if (reason === 'expired' && key === 'e') cache.set('e', 99);
    });
    cache.set('e', 5, { ttl: 10 });
    clock.advance(10);
    expect(cache.get('e')).toBeUndefined();
    expect(cache.peek('e')).toBe(99);
    cache.set('e', 100);
    expect(removals).toEqual(['e=5 expired', 'e=99 replaced']);
    expect(cache.get('x')).toBeUndefined();
    cache.set('b', 2);
    cache.set('x', 3).set('x', 4);
    expect(cache.keys().sort()).toEqual(['a', 'b', 'e', 'x']);
    expect(cache.size).toBe(4);
    for (let i = 0; i < 20; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBeLessThanOrEqual(4);
    expect(cache.keys().length).toBe(cache.size);
  });

  it('expires entries after their TTL on the injected clock', () => {
    const clock = new VirtualClock();
    const cache = new Cache<string, number>({ maxEntries: 10, ttl: 1_000, ttlJitter: 0, clock, policy });
    cache.set('default', 1);
    cache.set('short', 2, { ttl: 100 });
    cache.set('forever', 3, { ttl: Number.POSITIVE_INFINITY });
    expect(cache.ttlOf('short')).toBe(100);
    expect(cache.ttlOf('forever')).toBe(Number.POSITIVE_INFINITY);
    clock.advance(100);
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('default')).toBe(1);
    clock.advance(900);
    expect(cache.has('default')).toBe(false);
    expect(cache.purgeExpired()).toBe(1);
    expect(cache.get('forever')).toBe(3);
    expect(cache.stats()).toMatchObject({ expirations: 2, size: 1 });
  });

  it('slides an idle deadline with every read and write, never past the time to live', () => {
    const clock = new VirtualClock();
    const cache = new Cache<string, number>({
      maxEntries: 10,
      ttl: 1_000,
      ttlJitter: 0,
      idleTtl: 300,
      clock,
      policy,
    });
    cache.set('read', 1).set('idle', 2).set('written', 3);
    expect(cache.ttlOf('idle')).toBe(300);
    for (let step = 0; step < 3; step++) {
      clock.advance(250);
      expect(cache.get('read')).toBe(1);
      cache.set('written', 3 + step);
    }
    // 750 ms on: 'idle' went unread past its 300 ms; the other two were touched every 250 ms.
    expect(cache.has('idle')).toBe(false);
    expect(cache.peek('read')).toBe(1);
    expect(cache.ttlOf('read')).toBe(250);
    // peek, has and ttlOf are not reads: they do not push the deadline back.
    clock.advance(200);
    expect(cache.get('read')).toBe(1);
    // Read every 200 ms yet gone at 1,000 ms: the write deadline (1,000 ms after the set) holds.
    clock.advance(50);
    expect(cache.get('read')).toBeUndefined();
    // 'written' was last set at 750 ms: its write deadline is 1,750 ms, its idle one 1,050 ms.
    expect(cache.peek('written')).toBe(5);
    clock.advance(50);
    expect(cache.get('written')).toBeUndefined();
    // 'idle' was only looked at (has), never read, yet it is gone: the write at 500 ms, the first
    // after the 64 ms tick holding its deadline, let it go.
    expect(cache.stats().expirations).toBe(3);
    expect(cache.purgeExpired()).toBe(0);
    expect(cache.size).toBe(0);
  });

  it('a write lets entries past their deadline go before it evicts anything live', () => {
    const clock = new VirtualClock();
    const cache = new Cache<string, number>({ maxEntries: 3, ttl: 100, ttlJitter: 0, clock, policy });
    const removals: CacheRemoval<string, number>[] = [];
    cache.onRemoved((removal) => removals.push(removal));
    cache.set('a', 1).set('b', 2).set('kept', 3, { ttl: Number.POSITIVE_INFINITY });
    clock.advance(150);
    // Full, and 'a' and 'b' (due at 100 ms) were never read: the write finds them instead of
    // evicting anyone.
    cache.set('c', 4);
    expect(removals.map((r) => [r.key, r.reason]).sort()).toEqual([
      ['a', 'expired'],
      ['b', 'expired'],
    ]);
    expect(cache.stats()).toMatchObject({ evictions: 0, admissionRejections: 0, expirations: 2 });
    expect(cache.keys().sort()).toEqual(['c', 'kept']);
    cache.set('d', 5);
    // An entry made to live forever by a later write leaves the wheel.
    cache.set('d', 6, { ttl: Number.POSITIVE_INFINITY });
    clock.advance(10 * 60_000);
    cache.set('e', 7);
    expect(cache.peek('d')).toBe(6);
  });

  it('expires on a write even when removal listeners change the cache meanwhile', () => {
    const clock = new VirtualClock();
    const cache = new Cache<string, number>({ maxEntries: 10, ttl: 100, ttlJitter: 0, clock, policy });
    cache.set('x', 1).set('y', 2).set('z', 3);
    const removals: string[] = [];
    cache.onRemoved(({ key, reason }) => {
      removals.push(`${key} ${reason}`);
      // The first to expire deletes the two others, also due, and stores a fresh entry, which
      // takes one of their slots: the other stays free. Neither may be expired afterwards.
      if (removals.length === 1) {
        for (const other of ['x', 'y', 'z']) if (other !== key) cache.delete(other);
        cache.set('fresh', 9);
      }
    });
    clock.advance(200);
    cache.set('w', 4);
    expect(removals.filter((r) => r.endsWith('expired'))).toHaveLength(1);
    expect(removals.filter((r) => r.endsWith('deleted'))).toHaveLength(2);
    expect(cache.keys().sort()).toEqual(['fresh', 'w']);
    expect(cache.get('fresh')).toBe(9);
    expect(cache.stats()).toMatchObject({ expirations: 1, size: 2 });
  });

  it('lists its live entries without counting reads', () => {
    const clock = new VirtualClock();
    const cache = new Cache<string, number>({ maxEntries: 10, clock, policy });
    cache.set('a', 1).set('b', 2, { ttl: 10 });
    clock.advance(10);
    expect(cache.entries()).toEqual([['a', 1]]);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0 });
  });
});

describe('Cache', () => {
  it('rejects a non-positive idleTtl, naming it', () => {
    expect(() => new Cache({ maxEntries: 1, idleTtl: 0 })).toThrow(/idleTtl/);
  });

  it('jitters the default TTL downwards with the injected random, never beyond the TTL', () => {
    const clock = new VirtualClock();
    const cache = new Cache<number, number>({
      maxEntries: 100,
      ttl: 1_000,
      ttlJitter: 0.2,
      clock,
      random: new SeededRandom(7),
    });
    for (let i = 0; i < 50; i++) cache.set(i, i);
    const ttls = Array.from({ length: 50 }, (_, i) => cache.ttlOf(i)!);
    expect(Math.max(...ttls)).toBeLessThanOrEqual(1_000);
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(800);
    expect(new Set(ttls).size).toBeGreaterThan(40);
  });

  it('W-TinyLFU keeps a regularly read entry through a scan that evicts it under LRU', () => {
    const hotHits = (policy = wTinyLfu()) => {
      const cache = new Cache<string, number>({ maxEntries: 100, policy });
      let hits = 0;
      for (let i = 0; i < 3_000; i++) {
        // The hot key comes back every 150 reads: too late for recency, often enough for frequency.
        const key = i % 150 === 0 ? 'hot' : `scan${i}`;
        if (cache.get(key) === undefined) cache.set(key, i);
        else if (key === 'hot') hits++;
      }
      return hits;
    };
    expect(hotHits(lru())).toBe(0);
    expect(hotHits()).toBeGreaterThanOrEqual(15);
  });

  it('W-TinyLFU counts refused newcomers as admission rejections', () => {
    const cache = new Cache<number, number>({ maxEntries: 10, policy: wTinyLfu({ adaptive: false }) });
    for (let round = 0; round < 5; round++) for (let i = 0; i < 10; i++) cache.get(i) ?? cache.set(i, i);
    for (let i = 100; i < 200; i++) cache.set(i, i);
    expect(cache.stats().admissionRejections).toBeGreaterThan(50);
    for (let i = 0; i < 9; i++) expect(cache.has(i)).toBe(true);
  });

  it('buffered reads reach the policy before the next eviction; a full buffer drops reads', () => {
    for (const readBufferSize of [0, 1, 64]) {
      const cache = new Cache<string, number>({ maxEntries: 3, policy: lru(), readBufferSize });
      cache.set('a', 1).set('b', 2).set('c', 3);
      cache.get('a');
      cache.set('d', 4);
      expect(cache.keys().sort()).toEqual(['a', 'c', 'd']);
    }
    // With a buffer of 1, the second of two reads in a row is not recorded.
    const lossy = new Cache<string, number>({ maxEntries: 3, policy: lru(), readBufferSize: 1 });
    lossy.set('a', 1).set('b', 2).set('c', 3);
    lossy.get('b');
    lossy.get('a');
    lossy.set('d', 4);
    // Only the read of 'b' was recorded: recency is a, c, b from oldest, so 'a' leaves.
    expect(lossy.has('a')).toBe(false);
    expect(lossy.stats().hits).toBe(2);
  });

  it('rejects bad options with the field named', () => {
    const bad: [string, object][] = [
      ['maxEntries', {}],
      ['maxEntries', { maxEntries: 0 }],
      ['maxEntries', { maxEntries: 1.5 }],
      ['maxSize', { maxSize: -1, sizeOf: () => 1 }],
      ['sizeOf', { maxSize: 10 }],
      ['sizeOf', { maxEntries: 1, sizeOf: 3 }],
      ['policy', { maxEntries: 1, policy: 'lru' }],
      ['ttl', { maxEntries: 1, ttl: 0 }],
      ['ttlJitter', { maxEntries: 1, ttlJitter: 2 }],
      ['readBufferSize', { maxEntries: 1, readBufferSize: -1 }],
      ['clock', { maxEntries: 1, clock: 5 }],
      ['cache.maximum', { maximum: 1 }],
      ['wTinyLfu.windowRatio', { maxEntries: 1, policy: 'w' }],
    ];
    for (const [field, options] of bad) {
      const make =
        field === 'wTinyLfu.windowRatio'
          ? () => wTinyLfu({ windowRatio: 1.5 })
          : () => new Cache(options as never);
      try {
        make();
        expect.unreachable(`${field} accepted`);
      } catch (error) {
        expect(isInvalidOptionError(error)).toBe(true);
        expect((error as { field: string }).field).toBe(field);
      }
    }
    expect(() => s3Fifo({ smallRatio: 0 })).toThrow(/s3Fifo.smallRatio/);
    expect(() => wTinyLfu({ adaptive: 'yes' as never })).toThrow(/wTinyLfu.adaptive/);
    const cache = new Cache<string, number>({ maxEntries: 2, sizeOf: () => Number.NaN });
    expect(() => cache.set('a', 1)).toThrow(/sizeOf/);
    expect(() => new Cache<string, number>({ maxEntries: 2 }).set('a', 1, { ttl: -5 })).toThrow(/set.ttl/);
  });
});
