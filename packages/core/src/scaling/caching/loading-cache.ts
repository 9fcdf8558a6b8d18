import { type Clock, coarseSystemClock } from '../../clock/index.js';
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

/**
 * Loads many keys in one request (a SQL `IN`, a multi-get): returns the values it found, as a
 * `Map` or `[key, value]` pairs. A key it leaves out is not cached and is absent from
 * {@link LoadingCache.getAll}'s answer. The signal aborts when every caller waiting for any of
 * these keys has gone.
 *
 * @example
 * ```ts
 * import type { BatchLoader } from '@keel/core/caching';
 * const loadUsers: BatchLoader<number, string> = async (ids) => ids.map((id) => [id, `user ${id}`]);
 * ```
 */
export type BatchLoader<K, V> = (
  keys: readonly K[],
  context: { readonly signal: AbortSignal },
) =>
  | PromiseLike<ReadonlyMap<K, V> | Iterable<readonly [K, V]>>
  | ReadonlyMap<K, V>
  | Iterable<readonly [K, V]>;

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
   * Loads the misses of one {@link LoadingCache.getAll} in a single request; without it, each
   * missing key goes to the loader, all at once.
   * @default undefined
   */
  readonly loadMany?: BatchLoader<K, V>;
  /**
   * Write-through: `set` writes to the source with this before the cache takes the value.
   * @default undefined (set only fills the cache)
   */
  readonly writer?: Writer<K, V>;
  /**
   * The source of time (see `Cache`'s `clock` for what the default's millisecond resolution means).
   * @default coarseSystemClock
   */
  readonly clock?: Clock;
  /**
   * The source of chance (TTL jitter and XFetch).
   * @default systemRandom
   */
  readonly random?: Random;
}

/**
 * The defaults of {@link LoadingCacheOptions}.
 * @example
 * ```ts
 * import { DEFAULT_LOADING_CACHE_OPTIONS } from '@keel/core/caching';
 * console.log(DEFAULT_LOADING_CACHE_OPTIONS.cache.maxEntries, DEFAULT_LOADING_CACHE_OPTIONS.earlyRefreshBeta); // 10000 1
 * ```
 */
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
  'loadMany',
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
  /** Loads in flight; a key's share of a `loadMany` batch settles {@link ABSENT} when it was left out. */
  private readonly flights = new Singleflight<K, V | typeof ABSENT>();
  /**
   * Keys a running `loadMany` batch is still fetching, with the way to wait for a key's share:
   * a read that finds no flight for such a key (its first waiters left) joins the batch instead of
   * loading the key a second time.
   */
  private readonly batched = new Map<K, (flight: AbortSignal) => Promise<V | typeof ABSENT>>();
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
  private readonly loadMany: BatchLoader<K, V> | undefined;
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
    this.loadMany = check.func<BatchLoader<K, V>>('loadMany', options.loadMany);
    this.clock = check.object<Clock>('clock', options.clock) ?? coarseSystemClock;
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
    if (entry !== undefined) return { value: entry.value, outcome: this.serveCached(key, entry) };
    let value: V | typeof ABSENT;
    do {
      // A getAll batch joined here may leave this key out; a get then asks the loader itself.
      value = await this.flights.do(key, (signal) => this.shareOrLoad(key, signal), options?.signal);
    } while (value === ABSENT);
    return { value, outcome: 'loaded' };
  }

  /**
   * Reads many keys at once: cached values as {@link LoadingCache.get} would return them (stale
   * ones refreshed in the background), keys already loading joined, and the rest loaded together
   * by `loadMany` in one request (or by the loader, all at once, without it). A key that
   * `loadMany` does not return is absent from the answer. Each key's load is shared with
   * concurrent `get`s of it, and `signal` releases this caller only: a load stops when nobody
   * waits for it any more.
   *
   * @example
   * ```ts
   * import { LoadingCache } from '@keel/core/caching';
   * const users = new LoadingCache<number, string>(async (id) => `user ${id}`, {
   *   loadMany: async (ids) => ids.map((id) => [id, `user ${id}`] as const),
   * });
   * const found = await users.getAll([1, 2, 3]);
   * console.log(found.get(2)); // 'user 2'
   * ```
   */
  async getAll(keys: Iterable<K>, options?: { readonly signal?: AbortSignal }): Promise<Map<K, V>> {
    const distinct = new Set(check.iterable<K>('getAll.keys', keys, 'an iterable of keys'));
    const signal = options?.signal;
    const found = new Map<K, V>();
    const pending: [K, Promise<V | typeof ABSENT>][] = [];
    const toLoad: K[] = [];
    for (const key of distinct) {
      const entry = this.cache.get(key);
      if (entry !== undefined) {
        this.serveCached(key, entry);
        found.set(key, entry.value);
      } else if (this.flights.has(key) || this.batched.has(key) || this.loadMany === undefined) {
        pending.push([key, this.flights.do(key, (flight) => this.shareOrLoad(key, flight), signal)]);
      } else {
        toLoad.push(key);
      }
    }
    if (toLoad.length > 0) pending.push(...this.loadBatch(toLoad, this.loadMany!, signal));
    const values = await Promise.all(pending.map(([, promise]) => promise));
    for (let i = 0; i < pending.length; i++) {
      const value = values[i]!;
      if (value !== ABSENT) found.set(pending[i]![0], value as V);
    }
    return found;
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
    this.batched.delete(key);
    this.store(key, value, 0);
  }

  /** Drops `key` (invalidation); a load in flight for it will not be stored. */
  delete(key: K): boolean {
    this.loading.delete(key);
    this.flights.forget(key);
    this.batched.delete(key);
    return this.cache.delete(key);
  }

  /** Loads `key` now, whatever its state, and returns the new value (concurrent calls share it). */
  refresh(key: K, options?: { readonly signal?: AbortSignal }): Promise<V> {
    const stale = this.cache.peek(key)?.value;
    this.flights.forget(key);
    this.batched.delete(key);
    return this.flights.do(key, (signal) => this.load(key, signal, stale), options?.signal) as Promise<V>;
  }

  /** Drops every entry. */
  clear(): void {
    this.loading.clear();
    this.cache.clear();
  }

  /** Whether a cached entry is fresh or stale, starting the background refresh it calls for. */
  private serveCached(key: K, entry: Loaded<V>): 'fresh' | 'stale' {
    const now = this.clock.now();
    if (now < entry.freshUntil) {
      if (now >= entry.refreshAt || this.shouldRefreshEarly(entry, now))
        this.refreshInBackground(key, entry.value);
      return 'fresh';
    }
    this.refreshInBackground(key, entry.value);
    return 'stale';
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

  /**
   * Starts one `loadMany` call for `keys`, each key's share of it registered as that key's
   * flight, so concurrent `get`s join it; the call is aborted once every key's flight is.
   */
  private loadBatch(
    keys: readonly K[],
    loadMany: BatchLoader<K, V>,
    signal: AbortSignal | undefined,
  ): [K, Promise<V | typeof ABSENT>][] {
    const controller = new AbortController();
    // Flights waiting on the batch; when the last one is abandoned the request is aborted.
    let live = 0;
    const tokens = new Map<K, object>();
    for (const key of keys) {
      const token = {};
      tokens.set(key, token);
      this.loading.set(key, token);
    }
    const started = this.clock.now();
    const batch = (async () => {
      try {
        const answer = await loadMany(keys, { signal: controller.signal });
        const values = answerAsMap<K, V>(answer);
        const delta = this.clock.now() - started;
        for (const [key, value] of values)
          if (tokens.has(key) && this.loading.get(key) === tokens.get(key)) this.store(key, value, delta);
        return values;
      } finally {
        for (const [key, token] of tokens) if (this.loading.get(key) === token) this.loading.delete(key);
      }
    })();
    const shares = new Map<K, (flight: AbortSignal) => Promise<V | typeof ABSENT>>();
    const release = (): void => {
      for (const [key, share] of shares) if (this.batched.get(key) === share) this.batched.delete(key);
    };
    // Settled here too, so that a batch every caller abandoned does not surface as unhandled.
    batch.then(release, release);
    for (const key of keys) {
      const share = (flight: AbortSignal): Promise<V | typeof ABSENT> => {
        live++;
        flight.addEventListener(
          'abort',
          () => {
            if (--live > 0) return;
            // Nobody waits any more: stop the request, and let later reads load for themselves.
            release();
            controller.abort(flight.reason);
          },
          { once: true },
        );
        return batch.then((values) => (values.has(key) ? (values.get(key) as V) : ABSENT));
      };
      shares.set(key, share);
      this.batched.set(key, share);
    }
    return keys.map((key) => [key, this.flights.do(key, shares.get(key)!, signal)]);
  }

  /** A key's share of the batch still fetching it, or else a load of its own. */
  private shareOrLoad(key: K, signal: AbortSignal): Promise<V | typeof ABSENT> {
    const share = this.batched.get(key);
    return share !== undefined ? share(signal) : this.load(key, signal, undefined);
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

/** What `loadMany` answered, as a Map; anything but a Map or `[key, value]` pairs is refused by name. */
function answerAsMap<K, V>(answer: unknown): ReadonlyMap<K, V> {
  if (answer instanceof Map) return answer as ReadonlyMap<K, V>;
  const expected = 'a Map, or [key, value] pairs, as its answer';
  const pairs = [...check.iterable<unknown>('loadMany', answer, expected)];
  if (!pairs.every((pair) => Array.isArray(pair) && pair.length === 2))
    throw new InvalidOptionError('loadMany', answer, expected);
  return new Map(pairs as [K, V][]);
}

/** Marks a key that `loadMany` did not return. */
const ABSENT: unique symbol = Symbol('absent');
