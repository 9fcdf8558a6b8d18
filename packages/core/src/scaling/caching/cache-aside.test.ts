import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { Cache } from './cache.js';
import { cacheAside } from './cache-aside.js';
import { Singleflight } from './singleflight.js';

describe('cacheAside', () => {
  it('loads on a miss, stores with the TTL, then hits', async () => {
    const clock = new VirtualClock();
    const cache = new Cache<string, string>({ maxEntries: 10, clock });
    let loads = 0;
    const load = async () => `v${++loads}`;
    expect(await cacheAside(cache, 'k', load, { ttl: 100 })).toBe('v1');
    expect(await cacheAside(cache, 'k', load, { ttl: 100 })).toBe('v1');
    clock.advance(100);
    expect(await cacheAside(cache, 'k', load)).toBe('v2');
    expect(loads).toBe(2);
  });

  it('with a singleflight, a burst of misses makes one load', async () => {
    const cache = new Cache<string, string>({ maxEntries: 10 });
    const flights = new Singleflight<string, string>();
    let loads = 0;
    const load = async () => {
      loads++;
      await Promise.resolve();
      return 'v';
    };
    const values = await Promise.all(
      Array.from({ length: 5 }, () => cacheAside(cache, 'k', load, { singleflight: flights })),
    );
    expect(values).toEqual(['v', 'v', 'v', 'v', 'v']);
    expect(loads).toBe(1);
    expect(cache.peek('k')).toBe('v');
  });
});
