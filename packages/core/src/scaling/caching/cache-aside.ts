import type { Cache, CacheSetOptions } from './cache.js';
import type { Singleflight } from './singleflight.js';

/** Options of {@link cacheAside}. */
export interface CacheAsideOptions<K, V> {
  /** The TTL of a loaded value (the cache's default otherwise). */
  readonly ttl?: number;
  /** Coalesce concurrent misses for a key into one load. */
  readonly singleflight?: Singleflight<K, V>;
  /** Abandons this caller's wait (the shared load goes on while others wait). */
  readonly signal?: AbortSignal;
}

/**
 * Cache-aside (lazy loading), the application-driven pattern: read the cache; on a miss, load
 * from the source and put the result in the cache. Writers update the source and then delete
 * the key (deleting rather than updating avoids racing a concurrent reader's older value).
 * Pass a {@link Singleflight} to keep a burst of misses on one key from becoming a burst of loads.
 *
 * @example
 * ```ts
 * import { Cache, cacheAside } from '@keel/core/caching';
 * const cache = new Cache<string, string>({ maxEntries: 1_000 });
 * const name = await cacheAside(cache, 'user:1', async () => 'Ada', { ttl: 60_000 });
 * console.log(name, cache.has('user:1'));
 * ```
 */
export async function cacheAside<K, V>(
  cache: Cache<K, V>,
  key: K,
  load: (signal: AbortSignal | undefined) => V | PromiseLike<V>,
  options: CacheAsideOptions<K, V> = {},
): Promise<V> {
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const setOptions: CacheSetOptions | undefined =
    options.ttl === undefined ? undefined : { ttl: options.ttl };
  if (options.singleflight === undefined) {
    const value = await load(options.signal);
    cache.set(key, value, setOptions);
    return value;
  }
  return options.singleflight.do(
    key,
    async (signal) => {
      const value = await load(signal);
      cache.set(key, value, setOptions);
      return value;
    },
    options.signal,
  );
}
