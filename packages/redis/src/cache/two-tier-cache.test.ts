import { createServer } from 'node:net';
import { VirtualClock } from '@keel/core/clock';
import { isInvalidOptionError } from '@keel/core/errors';
import { probeService } from '@keel/core/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { isTwoTierStartError, type TwoTierStartError } from './errors.js';
import { TwoTierCache, type TwoTierState } from './two-tier-cache.js';

const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 3 } as const;

const service = await probeService('redis', async () => {
  const probe = new Redis({ ...connection, lazyConnect: true, retryStrategy: () => null });
  try {
    await probe.connect();
    await probe.ping();
  } finally {
    probe.disconnect();
  }
});

/** Resolves after `predicate` holds, polling (invalidations arrive on another socket). */
async function eventually(predicate: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('TwoTierCache options', () => {
  it('rejects bad options with the field named', () => {
    const fake = { duplicate: () => fake } as unknown as Redis;
    const bad: [string, object][] = [
      ['l1Ttl', { l1Ttl: 0 }],
      ['ttl', { ttl: -1 }],
      ['prefix', { prefix: 5 }],
      ['mode', { mode: 'bcast' }],
      ['loader', { loader: 'db' }],
      ['maxEntries', { l1: { maxEntries: 0 } }],
      ['twoTierCache.l2', { l2: {} }],
    ];
    for (const [field, options] of bad) {
      let caught: unknown;
      try {
        new TwoTierCache(fake, options as never);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidOptionError(caught), field).toBe(true);
      expect((caught as { field: string }).field).toBe(field);
    }
    expect(() => new TwoTierCache({} as Redis)).toThrow(/redis/);
  });
});

describe.skipIf(!service.available).each(['default', 'broadcast'] as const)(
  'TwoTierCache against a live Redis (%s mode)',
  (mode) => {
    const prefix = `keel-test:two-tier:${mode}:${process.pid}:${Date.now()}:`;
    const data = new Redis(connection);
    const other = new Redis(connection);
    const caches: TwoTierCache<unknown>[] = [];

    async function open<V>(options: ConstructorParameters<typeof TwoTierCache<V>>[1] = {}) {
      const cache = new TwoTierCache<V>(data, { prefix, mode, ...options });
      caches.push(cache as TwoTierCache<unknown>);
      await cache.start();
      return cache;
    }

    afterEach(async () => {
      for (const cache of caches.splice(0)) await cache.close();
      const keys = await other.keys(`${prefix}*`);
      if (keys.length > 0) await other.del(...keys);
    });

    afterAll(() => {
      data.disconnect();
      other.disconnect();
    });

    it('serves repeated reads from L1 until another client writes the key', async () => {
      const cache = await open<{ n: number }>();
      expect(cache.state).toBe('tracking');
      await other.set(`${prefix}k`, JSON.stringify({ n: 1 }));
      expect(await cache.get('k')).toEqual({ n: 1 });
      expect(cache.hasLocal('k')).toBe(true);
      expect(await cache.get('k')).toEqual({ n: 1 });
      expect(cache.stats()).toMatchObject({ l2Hits: 1 });
      expect(cache.stats().l1.hits).toBe(1);
      await other.set(`${prefix}k`, JSON.stringify({ n: 2 }));
      await eventually(() => !cache.hasLocal('k'), 'the invalidation');
      expect(await cache.get('k')).toEqual({ n: 2 });
      expect(cache.stats().invalidations).toBeGreaterThanOrEqual(1);
    });

    it('flushes L1 when the invalidation connection is killed, bypasses it while down, then resumes', async () => {
      // The invalidation connection reconnects after 300 ms, long enough to observe the bypass.
      const cache = await open<string>({
        createSubscriber: () =>
          data.duplicate({ autoResubscribe: false, lazyConnect: true, retryStrategy: () => 300 }),
      });
      const states: TwoTierState[] = [];
      cache.onStateChange(({ to }) => states.push(to));
      await other.set(`${prefix}a`, JSON.stringify('A'));
      await cache.get('a');
      expect(cache.hasLocal('a')).toBe(true);
      // Kill exactly the connection our tracking redirects to (other suites may have subscribers).
      const trackingInfo = (await data.call('CLIENT', 'TRACKINGINFO')) as unknown[];
      const redirect = Number(trackingInfo[trackingInfo.indexOf('redirect') + 1]);
      expect(redirect).toBeGreaterThan(0);
      await other.client('KILL', 'ID', String(redirect));
      await eventually(() => states.includes('degraded'), 'the degraded state');
      expect(cache.hasLocal('a')).toBe(false);
      // While degraded, reads go to Redis and leave L1 empty.
      expect(cache.state).toBe('degraded');
      expect(await cache.get('a')).toBe('A');
      expect(cache.hasLocal('a')).toBe(false);
      await eventually(() => cache.state === 'tracking', 'tracking to resume');
      expect(await cache.get('a')).toBe('A');
      expect(cache.hasLocal('a')).toBe(true);
      await other.set(`${prefix}a`, JSON.stringify('B'));
      await eventually(() => !cache.hasLocal('a'), 'an invalidation on the new connection');
      expect(await cache.get('a')).toBe('B');
    });

    it('getAll reads every miss with one MGET, loads what Redis lacks, and tracks what it cached', async () => {
      const loaded: string[] = [];
      const cache = await open<string>({
        loader: async (key) => {
          loaded.push(key);
          return key === 'nowhere' ? undefined : `loaded:${key}`;
        },
      });
      await other.mset(`${prefix}a`, JSON.stringify('A'), `${prefix}b`, JSON.stringify('B'));
      expect(await cache.get('a')).toBe('A');
      const mget = vi.spyOn(data, 'mget');
      const get = vi.spyOn(data, 'get');
      try {
        const joining = cache.get('b');
        const all = await cache.getAll(['a', 'b', 'c', 'nowhere', 'b']);
        expect(Object.fromEntries(all)).toEqual({ a: 'A', b: 'B', c: 'loaded:c' });
        expect(await joining).toBe('B');
        // 'a' came from L1; 'b' was already being read by the get, and the getAll joined it.
        expect(mget).toHaveBeenCalledTimes(1);
        expect(mget.mock.calls[0]).toEqual([`${prefix}c`, `${prefix}nowhere`]);
        expect(get).toHaveBeenCalledTimes(1);
      } finally {
        mget.mockRestore();
        get.mockRestore();
      }
      expect(loaded).toEqual(['c', 'nowhere']);
      expect(await other.get(`${prefix}c`)).toBe(JSON.stringify('loaded:c'));
      // What an MGET read is cached in L1 and tracked: another client's write evicts it. (In
      // broadcast mode the notices of the writes just before the read may still be on their way
      // and evict the fresh copies too, so L1 is checked in default mode only.)
      await other.mset(`${prefix}d`, JSON.stringify('D'), `${prefix}e`, JSON.stringify('E'));
      expect(Object.fromEntries(await cache.getAll(['d', 'e']))).toEqual({ d: 'D', e: 'E' });
      if (mode === 'default') expect(cache.hasLocal('d') && cache.hasLocal('e')).toBe(true);
      await other.set(`${prefix}d`, JSON.stringify('D2'));
      await eventually(() => !cache.hasLocal('d'), 'the invalidation of a key read by MGET');
      if (mode === 'default') expect(cache.hasLocal('e')).toBe(true);
      expect((await cache.getAll(['d'])).get('d')).toBe('D2');
    });

    it('a get of a key whose getAll waiters left takes the pending MGET reply instead of sending a GET', async () => {
      const cache = await open<string>();
      await other.set(`${prefix}p`, JSON.stringify('P'));
      const get = vi.spyOn(data, 'get');
      try {
        const leaving = new AbortController();
        const all = cache.getAll(['p'], { signal: leaving.signal });
        leaving.abort(new Error('left'));
        const late = cache.get('p');
        await expect(all).rejects.toThrow('left');
        expect(await late).toBe('P');
        expect(get).not.toHaveBeenCalled();
      } finally {
        get.mockRestore();
      }
    });

    it('getAll names a non-iterable argument and a key that is not a string', async () => {
      const cache = await open<string>();
      await expect(cache.getAll(5 as never)).rejects.toSatisfy(isInvalidOptionError);
      await expect(cache.getAll([1] as never)).rejects.toSatisfy(isInvalidOptionError);
    });

    it('coalesces concurrent misses into one load and writes the result to Redis with the TTL', async () => {
      let loads = 0;
      const cache = await open<string>({
        ttl: 60_000,
        loader: async (key) => {
          loads++;
          await new Promise((resolve) => setTimeout(resolve, 20));
          return `loaded:${key}`;
        },
      });
      const values = await Promise.all(Array.from({ length: 10 }, () => cache.get('slow')));
      expect(new Set(values)).toEqual(new Set(['loaded:slow']));
      expect(loads).toBe(1);
      const ttl = await other.pttl(`${prefix}slow`);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      expect(await cache.get('slow')).toBe('loaded:slow');
      expect(loads).toBe(1);
    });

    it('expires L1 entries after l1Ttl on the clock, then reads Redis again', async () => {
      const clock = new VirtualClock();
      const cache = await open<number>({ l1Ttl: 1_000, clock, l1: { maxEntries: 100, ttlJitter: 0 } });
      await cache.set('n', 7, { ttl: 5_000 });
      expect(cache.hasLocal('n')).toBe(false);
      expect(await cache.get('n')).toBe(7);
      expect(await cache.get('n')).toBe(7);
      expect(cache.stats().l2Hits).toBe(1);
      clock.advance(1_000);
      expect(cache.hasLocal('n')).toBe(false);
      expect(await cache.get('n')).toBe(7);
      expect(cache.stats().l2Hits).toBe(2);
      expect(await other.pttl(`${prefix}n`)).toBeGreaterThan(0);
      expect(await cache.delete('n')).toBe(true);
      expect(await cache.get('n')).toBeUndefined();
    });
  },
);

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startError(cache: TwoTierCache<unknown>, timeout: number): Promise<TwoTierStartError> {
  try {
    await cache.start({ timeout });
  } catch (error) {
    if (isTwoTierStartError(error)) return error;
    throw error;
  }
  throw new Error('start resolved against an unreachable Redis');
}

describe('TwoTierCache.start against a closed port', () => {
  it('rejects after the timeout naming the connection, leaves no subscriber retrying, and is idle', async () => {
    const port = await closedPort();
    // ioredis keeps reconnecting (its default retryStrategy): only the timeout ends the wait.
    const data = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
    data.on('error', () => {});
    const subscribers: Redis[] = [];
    const cache = new TwoTierCache<unknown>(data, {
      createSubscriber: () => {
        const subscriber = data.duplicate({ autoResubscribe: false, lazyConnect: true });
        subscribers.push(subscriber);
        return subscriber;
      },
    });
    try {
      const error = await startError(cache, 300);
      expect(error.stage).toBe('invalidation connection');
      expect(error.reason).toBe('timeout');
      expect(String((error.cause as Error | undefined)?.message)).toContain('ECONNREFUSED');
      expect(cache.state).toBe('idle');
      expect(subscribers).toHaveLength(1);
      // ioredis leaves a connection closed while reconnecting in 'reconnecting', but stops it:
      // no attempt follows (it retried every 50 to 300 ms before).
      let attempts = 0;
      subscribers[0]!.on('reconnecting', () => attempts++);
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(attempts).toBe(0);
    } finally {
      data.disconnect();
    }
  });

  it('fails without waiting out the timeout when the connections are not allowed to retry', async () => {
    const port = await closedPort();
    const data = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null });
    data.on('error', () => {});
    const cache = new TwoTierCache<unknown>(data);
    try {
      // An hour: a test that waited for it would time out.
      const error = await startError(cache, 3_600_000);
      expect(error.reason).toBe('connection ended');
      expect(cache.state).toBe('idle');
    } finally {
      data.disconnect();
    }
  });

  it.skipIf(!service.available)(
    'names the data connection when only the invalidation connection reaches Redis',
    async () => {
      const port = await closedPort();
      const data = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
      data.on('error', () => {});
      const subscriber = new Redis({ ...connection, lazyConnect: true, autoResubscribe: false });
      const cache = new TwoTierCache<unknown>(data, { createSubscriber: () => subscriber });
      try {
        const error = await startError(cache, 500);
        expect(error.stage).toBe('data connection');
        expect(String((error.cause as Error | undefined)?.message)).toContain('ECONNREFUSED');
        await eventually(() => subscriber.status === 'end', 'the subscriber to end');
      } finally {
        data.disconnect();
      }
    },
  );

  it.skipIf(!service.available)('an abort signal stops a start that is waiting', async () => {
    const port = await closedPort();
    const data = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
    data.on('error', () => {});
    const subscriber = new Redis({ ...connection, lazyConnect: true, autoResubscribe: false });
    const cache = new TwoTierCache<unknown>(data, { createSubscriber: () => subscriber });
    const controller = new AbortController();
    try {
      const starting = cache.start({ signal: controller.signal, timeout: 3_600_000 });
      setTimeout(() => controller.abort(new Error('deploy cancelled')), 100);
      await expect(starting).rejects.toThrow('deploy cancelled');
      expect(cache.state).toBe('idle');
      await eventually(() => subscriber.status === 'end', 'the subscriber to end');
    } finally {
      data.disconnect();
    }
  });
});
