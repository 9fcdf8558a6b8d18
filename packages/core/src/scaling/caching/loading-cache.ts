import { type Clock, systemClock } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import { type Random, systemRandom } from '../../random/index.js';
import { Cache, type CacheOptions, type CacheStats } from './cache.js';
import { Singleflight } from './singleflight.js';

/** What a loader is given besides the key. */
export interface LoadContext<V> {
  /** Aborts when every caller waiting for this load has gone (or the cache is disposed). */
  readonly signal: AbortSignal;
  /** The value being refreshed, when there is one (stale or about to be). */
  readonly staleValue: V | undefined;
}

/** Loads the value of a key from the source of truth. */
export type Loader<K, V> = (key: K, context: LoadContext<V>) => V | PromiseLike<V>;

/** Writes a value to the source of truth before the cache takes it (write-through). */
export type Writer<K, V> = (
  key: K,
  value: V,
  context: { readonly signal: AbortSignal | undefined },
) => unknown;

/** Options of a {@link LoadingCache}. */
export interface LoadingCacheOptions<K, V> {
  /**
   * The bounds and policy of the underlying {@link Cache} (time and chance come from this
   * cache's `clock` and `random`).
   * @default { maxEntries: 10_000 }
   */
  readonly cache?: Omit<CacheOptions<K, V>, 'clock' | 'random' | 'ttl' | 'ttlJitter'>;
  /**
   * How long a loaded value is fresh, in milliseconds.
   * @default Infinity
   */
  readonly ttl?: number;
  /**
   * Shortens each TTL by a random share up to this ratio, so values loaded together do not all
   * go stale together.
   * @default 0.1
   */
  readonly ttlJitter?: number;
  /**
   * Stale-while-revalidate: for this long after a value goes stale, reads still return it at
   * once while one background load refreshes it. After that the entry is gone and reads wait.
   * @default 0
   */
  readonly staleWhileRevalidate?: number;
  /**
   * XFetch's β (Vattani, Chierichetti and Lowenstein, VLDB 2015): a read refreshes early, in the
   * background, when `now − δ·β·ln(random()) ≥ expiry`, where δ is how long the last load took.
   * Slow-to-load keys refresh earlier; hot keys are refreshed before expiry by one reader
   * instead of stampeding after it. Larger β refreshes earlier; 0 turns it off.
   * @default 1
   */
  readonly earlyRefreshBeta?: number;
  /**
   * Refresh-ahead: a read of a value older than this share of its TTL refreshes it in the
   * background (deterministic, unlike XFetch). 0 turns it off.
   * @default 0
   */
  readonly refreshAheadRatio?: number;
  /**
   * Write-through: `set` writes to the source with this before the cache takes the value.
   * @default undefined (set only fills the cache)
   */
  readonly writer?: Writer<K, V>;
  /**
   * The source of time.
   * @default systemClock
   */
  readonly clock?: Clock;
  /**
   * The source of chance (TTL jitter and XFetch).
   * @default systemRandom
   */
  readonly random?: Random;
}

/** The defaults of {@link LoadingCacheOptions}. */
export const DEFAULT_LOADING_CACHE_OPTIONS = {
  cache: { maxEntries: 10_000 },
  ttl: Number.POSITIVE_INFINITY,
  ttlJitter: 0.1,
  staleWhileRevalidate: 0,
  earlyRefreshBeta: 1,
  refreshAheadRatio: 0,
} as const;

const KNOWN_OPTIONS = [
  'cache',
  'ttl',
  'ttlJitter',
  'staleWhileRevalidate',
  'earlyRefreshBeta',
  'refreshAheadRatio',
  'writer',
  'clock',
  'random',
];

/** A background refresh that failed; the stale value, if any, was kept. */
export interface RefreshErrorEvent<K> {
  readonly key: K;
  readonly error: unknown;
}

/** Why a read got its value. */
export type ReadOutcome = 'fresh' | 'stale' | 'loaded';

interface Loaded<V> {
  readonly value: V;
  /** When the value stops being fresh. */
  readonly freshUntil: number;
  /** When refresh-ahead starts (Infinity when off). */
  readonly refreshAt: number;
  /** How long the load took, XFetch's δ. */
  readonly delta: number;
}

/**
 * A read-through cache: `get` returns the cached value or loads it, with request coalescing
 * (concurrent misses share one load, each caller keeping its own AbortSignal),
 * stale-while-revalidate, XFetch probabilistic early refresh, optional refresh-ahead and
 * optional write-through. Background refreshes never throw at a reader: their failures are
 * reported on {@link LoadingCache.onRefreshError} and the old value stays.
 *
 * @example
 * ```ts
 * import { LoadingCache } from '@keel/core/caching';
 * const prices = new LoadingCache<string, number>(async (sku) => 9.99, {
 *   ttl: 30_000,
 *   staleWhileRevalidate: 10_000,
 * });
 * console.log(await prices.get('sku-1'));
 * ```
 */
export class LoadingCache<K, V> {
  private readonly cache: Cache<K, Loaded<V>>;
  private readonly flights = new Singleflight<K, V>();
  /** Marks each load in flight; a write or delete meanwhile unmarks it so its result is not stored. */
  private readonly loading = new Map<K, object>();
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly ttl: number;
  private readonly ttlJitter: number;
  private readonly staleWindow: number;
  private readonly beta: number;
  private readonly refreshAhead: number;
  private readonly writer: Writer<K, V> | undefined;
  private readonly refreshErrors = new EventEmitter<RefreshErrorEvent<K>>();
  private readonly onBackgroundError: (key: K) => (error: unknown) => void;

  /** Fires when a background refresh fails (the stale value is kept). */
  readonly onRefreshError: Event<RefreshErrorEvent<K>> = this.refreshErrors.event;

  constructor(
    private readonly loader: Loader<K, V>,
    options: LoadingCacheOptions<K, V> = {},
  ) {
    if (typeof loader !== 'function') throw new InvalidOptionError('loader', loader, 'a function');
    checkKnownKeys('loadingCache', options, KNOWN_OPTIONS);
    const d = DEFAULT_LOADING_CACHE_OPTIONS;
    this.ttl = check.duration('ttl', options.ttl, d.ttl, { above: 0, allowInfinity: true });
    this.ttlJitter = check.ratio('ttlJitter', options.ttlJitter, d.ttlJitter);
    this.staleWindow = check.duration(
      'staleWhileRevalidate',
      options.staleWhileRevalidate,
      d.staleWhileRevalidate,
      {
        allowInfinity: true,
      },
    );
    this.beta = check.number('earlyRefreshBeta', options.earlyRefreshBeta, d.earlyRefreshBeta, { min: 0 });
    this.refreshAhead = check.ratio('refreshAheadRatio', options.refreshAheadRatio, d.refreshAheadRatio);
    this.writer = check.func<Writer<K, V>>('writer', options.writer);
    this.clock = check.object<Clock>('clock', options.clock) ?? systemClock;
    this.random = check.object<Random>('random', options.random) ?? systemRandom;
    const cacheOptions: NonNullable<LoadingCacheOptions<K, V>['cache']> =
      check.object<NonNullable<LoadingCacheOptions<K, V>['cache']>>('cache', options.cache) ?? d.cache;
    const sizeOf = cacheOptions.sizeOf;
    this.cache = new Cache<K, Loaded<V>>({
      ...cacheOptions,
      ...(sizeOf ? { sizeOf: (entry: Loaded<V>, key: K) => sizeOf(entry.value, key) } : {}),
      clock: this.clock,
      random: this.random,
      ttlJitter: 0,
    } as CacheOptions<K, Loaded<V>>);
    this.onBackgroundError = (key) => (error) => {
      if (this.refreshErrors.hasListeners) this.refreshErrors.emit({ key, error });
    };
  }

  /** The number of cached entries (stale ones included). */
  get size(): number {
    return this.cache.size;
  }

  /** The underlying cache's counters. */
  stats(): CacheStats {
    return this.cache.stats();
  }

  /**
   * Returns the value of `key`: fresh from the cache; stale from the cache while a background
   * load refreshes it (within the stale-while-revalidate window); or loaded now, shared with
   * every concurrent caller. `signal` abandons this caller's wait only.
   */
  async get(key: K, options?: { readonly signal?: AbortSignal }): Promise<V> {
    return (await this.read(key, options)).value;
  }

  /** Like {@link LoadingCache.get}, also telling whether the value was fresh, stale or loaded. */
  async read(
    key: K,
    options?: { readonly signal?: AbortSignal },
  ): Promise<{ value: V; outcome: ReadOutcome }> {
    const entry = this.cache.get(key);
    if (entry !== undefined) {
      const now = this.clock.now();
      if (now < entry.freshUntil) {
        if (now >= entry.refreshAt || this.shouldRefreshEarly(entry, now))
          this.refreshInBackground(key, entry.value);
        return { value: entry.value, outcome: 'fresh' };
      }
      this.refreshInBackground(key, entry.value);
      return { value: entry.value, outcome: 'stale' };
    }
    const value = await this.flights.do(key, (signal) => this.load(key, signal, undefined), options?.signal);
    return { value, outcome: 'loaded' };
  }

  /** The cached value without loading, counting or refreshing (stale values included). */
  peek(key: K): V | undefined {
    return this.cache.peek(key)?.value;
  }

  /**
   * Stores `value` as fresh. With a `writer` (write-through) the source is written first, and a
   * failed write leaves the cache untouched. A load in flight for `key` will not overwrite it.
   */
  async set(key: K, value: V, options?: { readonly signal?: AbortSignal }): Promise<void> {
    if (this.writer !== undefined) await this.writer(key, value, { signal: options?.signal });
    this.loading.delete(key);
    this.flights.forget(key);
    this.store(key, value, 0);
  }

  /** Drops `key` (invalidation); a load in flight for it will not be stored. */
  delete(key: K): boolean {
    this.loading.delete(key);
    this.flights.forget(key);
    return this.cache.delete(key);
  }

  /** Loads `key` now, whatever its state, and returns the new value (concurrent calls share it). */
  refresh(key: K, options?: { readonly signal?: AbortSignal }): Promise<V> {
    const stale = this.cache.peek(key)?.value;
    this.flights.forget(key);
    return this.flights.do(key, (signal) => this.load(key, signal, stale), options?.signal);
  }

  /** Drops every entry. */
  clear(): void {
    this.loading.clear();
    this.cache.clear();
  }

  private shouldRefreshEarly(entry: Loaded<V>, now: number): boolean {
    if (this.beta === 0 || entry.freshUntil === Number.POSITIVE_INFINITY) return false;
    // XFetch: -ln(u) is exponentially distributed, so the chance grows as expiry nears.
    return now - entry.delta * this.beta * Math.log(this.random.next()) >= entry.freshUntil;
  }

  private refreshInBackground(key: K, stale: V): void {
    if (this.flights.has(key)) return;
    this.flights.do(key, (signal) => this.load(key, signal, stale)).catch(this.onBackgroundError(key));
  }

  private async load(key: K, signal: AbortSignal, staleValue: V | undefined): Promise<V> {
    const token = {};
    this.loading.set(key, token);
    const started = this.clock.now();
    try {
      const value = await this.loader(key, { signal, staleValue });
      if (this.loading.get(key) === token) this.store(key, value, this.clock.now() - started);
      return value;
    } finally {
      if (this.loading.get(key) === token) this.loading.delete(key);
    }
  }

  private store(key: K, value: V, delta: number): void {
    const now = this.clock.now();
    let ttl = this.ttl;
    if (ttl !== Number.POSITIVE_INFINITY && this.ttlJitter > 0)
      ttl *= 1 - this.ttlJitter * this.random.next();
    const freshUntil = now + ttl;
    const refreshAt = this.refreshAhead > 0 ? now + ttl * this.refreshAhead : Number.POSITIVE_INFINITY;
    this.cache.set(key, { value, freshUntil, refreshAt, delta }, { ttl: ttl + this.staleWindow });
  }
}
