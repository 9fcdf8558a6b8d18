import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isInvalidOptionError } from '../../errors/index.js';
import type { Random } from '../../random/index.js';
import { sleep } from '../../signal/index.js';
import { LoadingCache } from './loading-cache.js';

const fixedRandom = (value: number): Random => ({ next: () => value });

/** A source whose values are `key@version`, taking `latency` ms per load on the clock. */
function source(clock: VirtualClock, latency = 100) {
  const calls: string[] = [];
  let version = 0;
  const loader = async (key: string, { signal }: { signal: AbortSignal }) => {
    calls.push(key);
    const mine = ++version;
    if (latency > 0) await sleep(clock, latency, signal);
    return `${key}@${mine}`;
  };
  return { calls, loader };
}

describe('LoadingCache', () => {
  it('loads a miss once for all concurrent callers, then serves it fresh', async () => {
    const clock = new VirtualClock();
    const { calls, loader } = source(clock);
    const cache = new LoadingCache(loader, { ttl: 1_000, ttlJitter: 0, clock });
    const reads = [cache.read('a'), cache.read('a'), cache.read('a')];
    await clock.advanceAsync(100);
    expect(await Promise.all(reads)).toEqual(Array(3).fill({ value: 'a@1', outcome: 'loaded' }));
    expect(calls).toEqual(['a']);
    expect(await cache.read('a')).toEqual({ value: 'a@1', outcome: 'fresh' });
    expect(cache.peek('a')).toBe('a@1');
    expect(cache.size).toBe(1);
  });

  it('serves stale within the window while one background load refreshes', async () => {
    const clock = new VirtualClock();
    const { calls, loader } = source(clock);
    const cache = new LoadingCache(loader, {
      ttl: 1_000,
      ttlJitter: 0,
      staleWhileRevalidate: 500,
      earlyRefreshBeta: 0,
      clock,
    });
    const first = cache.get('a');
    await clock.advanceAsync(100);
    await first;
    clock.advance(1_000); // now stale (fresh until 1_100)
    expect(await cache.read('a')).toEqual({ value: 'a@1', outcome: 'stale' });
    expect(await cache.read('a')).toEqual({ value: 'a@1', outcome: 'stale' });
    expect(calls).toEqual(['a', 'a']);
    await clock.advanceAsync(100);
    expect(await cache.read('a')).toEqual({ value: 'a@2', outcome: 'fresh' });
    // Past fresh + stale window: the entry is gone and the reader waits for a load.
    clock.advance(1_500);
    const waited = cache.read('a');
    await clock.advanceAsync(100);
    expect(await waited).toEqual({ value: 'a@3', outcome: 'loaded' });
  });

  it('refreshes early with XFetch when now − δ·β·ln(u) reaches the expiry', async () => {
    const clock = new VirtualClock();
    const { calls, loader } = source(clock, 100);
    // u = 0.5: −ln(u) ≈ 0.693, so with δ = 100 ms and β = 1 the refresh starts ~69 ms early.
    const cache = new LoadingCache(loader, { ttl: 1_000, ttlJitter: 0, clock, random: fixedRandom(0.5) });
    const first = cache.get('a');
    await clock.advanceAsync(100);
    await first; // fresh until 1_100, δ = 100
    clock.advanceTo(1_100 - 80);
    await cache.get('a');
    expect(calls).toHaveLength(1);
    clock.advanceTo(1_100 - 60);
    expect(await cache.read('a')).toEqual({ value: 'a@1', outcome: 'fresh' });
    expect(calls).toHaveLength(2);
    await clock.advanceAsync(100);
    expect(await cache.read('a')).toEqual({ value: 'a@2', outcome: 'fresh' });
  });

  it('refresh-ahead reloads a value read after the given share of its TTL', async () => {
    const clock = new VirtualClock();
    const { calls, loader } = source(clock, 0);
    const cache = new LoadingCache(loader, {
      ttl: 1_000,
      ttlJitter: 0,
      earlyRefreshBeta: 0,
      refreshAheadRatio: 0.8,
      clock,
    });
    await cache.get('a');
    clock.advance(700);
    await cache.get('a');
    expect(calls).toHaveLength(1);
    clock.advance(100);
    expect(await cache.get('a')).toBe('a@1');
    await clock.advanceAsync(0);
    expect(calls).toHaveLength(2);
    expect(await cache.get('a')).toBe('a@2');
  });

  it('keeps the stale value and reports a failed background refresh', async () => {
    const clock = new VirtualClock();
    let fail = false;
    const cache = new LoadingCache<string, string>(
      async (key) => {
        if (fail) throw new Error('source down');
        return `${key}!`;
      },
      { ttl: 100, ttlJitter: 0, staleWhileRevalidate: 1_000, earlyRefreshBeta: 0, clock },
    );
    const errors: unknown[] = [];
    cache.onRefreshError(({ error }) => errors.push(error));
    await cache.get('a');
    fail = true;
    clock.advance(200);
    expect(await cache.get('a')).toBe('a!');
    await clock.advanceAsync(0);
    expect(errors).toHaveLength(1);
    expect(cache.peek('a')).toBe('a!');
    // A reader that has to wait gets the failure itself.
    cache.delete('a');
    await expect(cache.get('a')).rejects.toThrow('source down');
  });

  it('write-through writes the source first; a failed write leaves the cache alone', async () => {
    const clock = new VirtualClock();
    const written: string[] = [];
    let refuse = false;
    const cache = new LoadingCache<string, string>(async (key) => `${key}@source`, {
      clock,
      writer: async (key, value) => {
        if (refuse) throw new Error('write refused');
        written.push(`${key}=${value}`);
      },
    });
    await cache.set('a', 'one');
    expect(written).toEqual(['a=one']);
    expect(await cache.read('a')).toEqual({ value: 'one', outcome: 'fresh' });
    refuse = true;
    await expect(cache.set('a', 'two')).rejects.toThrow('write refused');
    expect(cache.peek('a')).toBe('one');
  });

  it('a write during a load wins over the older loaded value', async () => {
    const clock = new VirtualClock();
    const { loader } = source(clock, 100);
    const cache = new LoadingCache(loader, { clock });
    const loading = cache.get('a');
    await cache.set('a', 'written');
    await clock.advanceAsync(100);
    expect(await loading).toBe('a@1');
    expect(cache.peek('a')).toBe('written');
    const refreshed = cache.refresh('a');
    await clock.advanceAsync(100);
    expect(await refreshed).toBe('a@2');
    expect(cache.peek('a')).toBe('a@2');
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('a caller can stop waiting without cancelling the shared load', async () => {
    const clock = new VirtualClock();
    const { loader } = source(clock, 100);
    const cache = new LoadingCache(loader, { clock });
    const impatient = new AbortController();
    const a = cache.get('a', { signal: impatient.signal });
    const b = cache.get('a');
    impatient.abort(new Error('gave up'));
    await expect(a).rejects.toThrow('gave up');
    await clock.advanceAsync(100);
    expect(await b).toBe('a@1');
    expect(cache.stats().misses).toBe(2);
  });

  it('rejects bad options with the field named', () => {
    const bad: [string, object][] = [
      ['ttl', { ttl: 0 }],
      ['staleWhileRevalidate', { staleWhileRevalidate: -1 }],
      ['earlyRefreshBeta', { earlyRefreshBeta: -1 }],
      ['refreshAheadRatio', { refreshAheadRatio: 1.5 }],
      ['writer', { writer: 'db' }],
      ['loadMany', { loadMany: 'db' }],
      ['cache', { cache: 5 }],
      ['maxEntries', { cache: { maxEntries: 0 } }],
      ['loadingCache.tll', { tll: 5 }],
    ];
    for (const [field, options] of bad) {
      let caught: unknown;
      try {
        new LoadingCache(async () => 1, options as never);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidOptionError(caught), field).toBe(true);
      expect((caught as { field: string }).field).toBe(field);
    }
    expect(() => new LoadingCache(5 as never)).toThrow(/loader/);
  });
});

describe('LoadingCache.getAll', () => {
  /** A batch source answering `key#batch` for the keys it knows, after `latency` ms. */
  function batchSource(clock: VirtualClock, known: (key: string) => boolean = () => true, latency = 100) {
    const batches: string[][] = [];
    const signals: AbortSignal[] = [];
    const loadMany = async (keys: readonly string[], { signal }: { signal: AbortSignal }) => {
      batches.push([...keys]);
      signals.push(signal);
      const batch = batches.length;
      await sleep(clock, latency, signal);
      return keys.filter(known).map((key) => [key, `${key}#${batch}`] as const);
    };
    return { batches, signals, loadMany };
  }

  it('serves what is cached and loads all the misses in one request, once per key', async () => {
    const clock = new VirtualClock();
    const { calls, loader } = source(clock);
    const { batches, loadMany } = batchSource(clock);
    const cache = new LoadingCache(loader, { loadMany, clock });
    await cache.set('a', 'cached');
    const all = cache.getAll(['a', 'b', 'c', 'b']);
    await clock.advanceAsync(100);
    expect([...(await all)].sort()).toEqual([
      ['a', 'cached'],
      ['b', 'b#1'],
      ['c', 'c#1'],
    ]);
    expect(batches).toEqual([['b', 'c']]);
    expect(calls).toEqual([]);
    // Now cached: neither source is asked again.
    expect(await cache.get('c')).toBe('c#1');
    expect(batches.length).toBe(1);
  });

  it('shares a batch with concurrent gets, and joins loads already in flight', async () => {
    const clock = new VirtualClock();
    const { calls, loader } = source(clock);
    const { batches, loadMany } = batchSource(clock);
    const cache = new LoadingCache(loader, { loadMany, clock });
    const single = cache.get('a');
    const all = cache.getAll(['a', 'b']);
    const joiner = cache.get('b');
    await clock.advanceAsync(100);
    expect(await single).toBe('a@1');
    expect(await joiner).toBe('b#1');
    expect(Object.fromEntries(await all)).toEqual({ a: 'a@1', b: 'b#1' });
    expect(calls).toEqual(['a']);
    expect(batches).toEqual([['b']]);
  });

  it('leaves out, and does not cache, keys the batch did not return; a get of one asks the loader', async () => {
    const clock = new VirtualClock();
    const { calls, loader } = source(clock);
    const { loadMany } = batchSource(clock, (key) => key !== 'ghost');
    const cache = new LoadingCache(loader, { loadMany, clock });
    const all = cache.getAll(['real', 'ghost']);
    const joined = cache.get('ghost');
    await clock.advanceAsync(100);
    expect(Object.fromEntries(await all)).toEqual({ real: 'real#1' });
    await clock.advanceAsync(100);
    expect(await joined).toBe('ghost@1');
    expect(calls).toEqual(['ghost']);
  });

  it('loads each miss with the loader when there is no loadMany', async () => {
    const clock = new VirtualClock();
    const { calls, loader } = source(clock);
    const cache = new LoadingCache(loader, { clock });
    const all = cache.getAll(new Set(['x', 'y']));
    await clock.advanceAsync(100);
    expect(Object.fromEntries(await all)).toEqual({ x: 'x@1', y: 'y@2' });
    expect(calls).toEqual(['x', 'y']);
  });

  it('stops the batch only when nobody waits for any of its keys', async () => {
    const clock = new VirtualClock();
    const { loader } = source(clock);
    const { signals, loadMany } = batchSource(clock);
    const cache = new LoadingCache(loader, { loadMany, clock });
    const first = new AbortController();
    const all = cache.getAll(['a', 'b'], { signal: first.signal });
    const stays = cache.get('b');
    first.abort(new Error('gave up'));
    await expect(all).rejects.toThrow('gave up');
    expect(signals[0]!.aborted).toBe(false);
    await clock.advanceAsync(100);
    expect(await stays).toBe('b#1');

    const second = new AbortController();
    const abandoned = cache.getAll(['c', 'd'], { signal: second.signal });
    second.abort(new Error('gone'));
    await expect(abandoned).rejects.toThrow('gone');
    expect(signals[1]!.aborted).toBe(true);
    expect(cache.peek('c')).toBeUndefined();
  });

  it('a get of a key whose batch waiters all left joins the batch if it still runs for other keys', async () => {
    const clock = new VirtualClock();
    const { calls, loader } = source(clock);
    const { batches, signals, loadMany } = batchSource(clock);
    const cache = new LoadingCache(loader, { loadMany, clock });
    const leaving = new AbortController();
    const first = cache.getAll(['a', 'b'], { signal: leaving.signal });
    const staying = cache.getAll(['b']);
    leaving.abort(new Error('left'));
    await expect(first).rejects.toThrow('left');
    // 'a' has no waiter now, but the request still runs for 'b': a get of 'a' rides along.
    const late = cache.get('a');
    await clock.advanceAsync(100);
    expect(await late).toBe('a#1');
    expect((await staying).get('b')).toBe('b#1');
    expect(calls).toEqual([]);
    expect(batches).toEqual([['a', 'b']]);
    expect(signals[0]!.aborted).toBe(false);
  });

  it('rejects when the batch fails, caches nothing, and tries again next time', async () => {
    const clock = new VirtualClock();
    const { loader } = source(clock);
    let failures = 1;
    const cache = new LoadingCache(loader, {
      clock,
      loadMany: async (keys) => {
        if (failures-- > 0) throw new Error('database down');
        return keys.map((key) => [key, `${key}!`] as const);
      },
    });
    await expect(cache.getAll(['a', 'b'])).rejects.toThrow('database down');
    expect(cache.size).toBe(0);
    expect(Object.fromEntries(await cache.getAll(['a', 'b']))).toEqual({ a: 'a!', b: 'b!' });
  });

  it('a write during the batch wins over the batch value', async () => {
    const clock = new VirtualClock();
    const { loader } = source(clock);
    const { loadMany } = batchSource(clock);
    const cache = new LoadingCache(loader, { loadMany, clock });
    const all = cache.getAll(['a']);
    await cache.set('a', 'written');
    await clock.advanceAsync(100);
    expect((await all).get('a')).toBe('a#1');
    expect(cache.peek('a')).toBe('written');
  });

  it('refuses, by name, a loadMany answer that is neither a Map nor pairs', async () => {
    const cache = new LoadingCache(async (key: string) => key, { loadMany: async () => 'oops' as never });
    await expect(cache.getAll(['a'])).rejects.toSatisfy(
      (error: unknown) => isInvalidOptionError(error) && error.field === 'loadMany',
    );
    expect(cache.size).toBe(0);
  });

  it('names a non-iterable argument', async () => {
    const cache = new LoadingCache(async () => 1);
    await expect(cache.getAll(5 as never)).rejects.toSatisfy(isInvalidOptionError);
  });
});
