import { Cache, type CacheOptions, type CacheStats, Singleflight } from '@keel/core/caching';
import { type Clock, coarseSystemClock } from '@keel/core/clock';
import { InvalidOptionError } from '@keel/core/errors';
import { type Event, EventEmitter } from '@keel/core/events';
import { check, checkKnownKeys } from '@keel/core/options';
import { type Random, systemRandom } from '@keel/core/random';
import { abortError, raceAbort } from '@keel/core/signal';
import type { Redis } from 'ioredis';
import { TwoTierStartError, type TwoTierStartStage } from './errors.js';

/**
 * Where the two-tier cache stands:
 * - `idle`: created, {@link TwoTierCache.start} not called yet or failed (reads go to Redis only);
 * - `tracking`: invalidations flow, the in-process tier (L1) serves reads;
 * - `degraded`: the invalidation connection or tracking was lost: L1 was flushed and is bypassed
 *   until tracking is re-established (then flushed once more and used again);
 * - `closed`: after {@link TwoTierCache.close}.
 */
export type TwoTierState = 'idle' | 'tracking' | 'degraded' | 'closed';

/** A state transition. */
export interface TwoTierStateChange {
  readonly from: TwoTierState;
  readonly to: TwoTierState;
  /** Why, in a few words (for logs). */
  readonly reason: string;
}

/** Keys invalidated by Redis, or `all` (a flush, or the invalidation connection dropped). */
export interface TwoTierInvalidation {
  readonly keys: readonly string[] | 'all';
}

/** Loads a value that neither tier has, from the source of truth. */
export type TwoTierLoader<V> = (
  key: string,
  context: { readonly signal: AbortSignal },
) => Promise<V | undefined>;

/** Options of a {@link TwoTierCache}. */
export interface TwoTierCacheOptions<V> {
  /**
   * The bounds and policy of the in-process tier (W-TinyLFU by default).
   * @default { maxEntries: 10_000 }
   */
  readonly l1?: Omit<CacheOptions<string, V>, 'clock' | 'random' | 'ttl'>;
  /**
   * How long a value stays in L1, in milliseconds: a bound on staleness should an invalidation
   * ever be missed.
   * @default 60_000
   */
  readonly l1Ttl?: number;
  /**
   * The TTL of values this cache writes to Redis (by `set` or after a load), in milliseconds.
   * @default Infinity
   */
  readonly ttl?: number;
  /**
   * Prefix of every Redis key this cache reads or writes (and, in `broadcast` mode, tracks).
   * @default ''
   */
  readonly prefix?: string;
  /**
   * Redis client-side caching mode. `default`: Redis remembers which keys this client read and
   * invalidates exactly those (server memory per key). `broadcast`: Redis sends every change of
   * a key under `prefix`, with no per-key memory on the server but more messages.
   * @default 'default'
   */
  readonly mode?: 'default' | 'broadcast';
  /**
   * Read-through: called when neither tier has the key; the result is written to Redis.
   * @default undefined (a miss in both tiers returns undefined)
   */
  readonly loader?: TwoTierLoader<V>;
  /**
   * Turns a value into what Redis stores.
   * @default JSON.stringify
   */
  readonly serialize?: (value: V) => string;
  /**
   * Turns what Redis stores back into a value.
   * @default JSON.parse
   */
  readonly deserialize?: (text: string) => V;
  /**
   * Creates the connection that receives invalidations (it must not share the data connection).
   * @default () => redis.duplicate()
   */
  readonly createSubscriber?: () => Redis;
  /**
   * The source of time for L1 expiry and the start timeout (the default reads the system clock
   * at most once a millisecond: see `Cache`'s `clock`).
   * @default coarseSystemClock
   */
  readonly clock?: Clock;
  /**
   * The source of chance for L1 (TTL jitter, admission).
   * @default systemRandom
   */
  readonly random?: Random;
}

/**
 * The defaults of {@link TwoTierCacheOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_TWO_TIER_CACHE_OPTIONS } from '@keel/redis';
 * // The in-process tier holds up to 10,000 entries, each for at most a minute.
 * const { l1, l1Ttl } = DEFAULT_TWO_TIER_CACHE_OPTIONS;
 * console.log(l1.maxEntries, l1Ttl); // 10000 60000
 * ```
 */
export const DEFAULT_TWO_TIER_CACHE_OPTIONS = {
  l1: { maxEntries: 10_000 },
  l1Ttl: 60_000,
  ttl: Number.POSITIVE_INFINITY,
  prefix: '',
  mode: 'default',
} as const;

/** Options of {@link TwoTierCache.start}. */
export interface TwoTierStartOptions {
  /**
   * Abandons the start: it rejects with the signal's reason and the cache returns to `idle`.
   * @default undefined
   */
  readonly signal?: AbortSignal;
  /**
   * How long `start` waits, in milliseconds, for both connections to be ready and tracking to be
   * on before it rejects with a {@link TwoTierStartError}; `Infinity` waits as long as the
   * connections keep retrying.
   * @default 10_000
   */
  readonly timeout?: number;
}

/**
 * The defaults of {@link TwoTierStartOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_TWO_TIER_START_OPTIONS } from '@keel/redis';
 * console.log(DEFAULT_TWO_TIER_START_OPTIONS.timeout); // 10000
 * ```
 */
export const DEFAULT_TWO_TIER_START_OPTIONS = { timeout: 10_000 } as const;

const KNOWN_OPTIONS = [
  'l1',
  'l1Ttl',
  'ttl',
  'prefix',
  'mode',
  'loader',
  'serialize',
  'deserialize',
  'createSubscriber',
  'clock',
  'random',
];
const INVALIDATE_CHANNEL = '__redis__:invalidate';

/** Counters of a {@link TwoTierCache}. */
export interface TwoTierStats {
  readonly l1: CacheStats;
  /** Reads answered by Redis. */
  readonly l2Hits: number;
  /** Reads Redis did not have (then the loader, if any, ran). */
  readonly l2Misses: number;
  /** Keys invalidated by Redis messages. */
  readonly invalidations: number;
  /** Times the whole L1 was flushed (Redis flush, connection loss, tracking re-established). */
  readonly flushes: number;
}

/**
 * A two-tier cache: an in-process {@link Cache} (L1) in front of Redis (L2), kept coherent by
 * Redis client-side caching (`CLIENT TRACKING`, Redis 6 or later). ioredis speaks RESP2, so
 * invalidations travel the RESP2 way: tracking on the data connection is redirected
 * (`REDIRECT <id>`) to a second connection subscribed to `__redis__:invalidate`.
 *
 * Coherence rules:
 * - a key invalidated by Redis leaves L1; a read racing with an invalidation does not store
 *   its (possibly older) result in L1;
 * - when the invalidation connection or the data connection drops, every invalidation in
 *   between could be lost, so L1 is flushed at once and bypassed (`degraded`) until tracking is
 *   re-established on the new connections; then L1 is flushed again and used;
 * - this cache's own writes go to Redis and only delete the key from L1: the next read fetches
 *   it through the tracked connection, so later changes by others are seen.
 * Misses in both tiers are coalesced: concurrent reads of one key share one Redis read (and one
 * load), each caller keeping its own AbortSignal.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { TwoTierCache } from '@keel/redis';
 * const redis = new Redis({ host: '127.0.0.1' });
 * const cache = new TwoTierCache<{ name: string }>(redis, { prefix: 'user:', l1: { maxEntries: 5_000 } });
 * await cache.start();
 * await cache.set('42', { name: 'Ada' });
 * console.log((await cache.get('42'))?.name);
 * await cache.close();
 * redis.disconnect();
 * ```
 */
export class TwoTierCache<V> {
  private readonly l1: Cache<string, V>;
  private readonly flights = new Singleflight<string, V | undefined>();
  /** Reads in flight; an invalidation of the key removes its token so the result is not kept. */
  private readonly reading = new Map<string, object>();
  /**
   * Keys of an `MGET` still on its way, with how to take a key's reply from it: a read that finds
   * no flight for such a key (its first waiters left) takes that reply instead of sending a `GET`.
   * A write, an invalidation or a flush drops the key, since the reply may predate it.
   */
  private readonly pendingReplies = new Map<string, () => Promise<string | null>>();
  private readonly l1Ttl: number;
  private readonly ttl: number;
  private readonly prefix: string;
  private readonly mode: 'default' | 'broadcast';
  private readonly loader: TwoTierLoader<V> | undefined;
  private readonly serialize: (value: V) => string;
  private readonly deserialize: (text: string) => V;
  private readonly createSubscriber: () => Redis;
  private readonly clock: Clock;
  private subscriber: Redis | undefined;
  /** The start in progress, shared by concurrent callers. */
  private starting: Promise<void> | undefined;
  /** Why the last attempt to turn tracking on failed (reported by a failed start). */
  private lastTrackingError: unknown;
  /** The invalidation connection's client id, once it is subscribed (reset when it drops). */
  private subscriberId: number | undefined;
  /** Tracking attempts run one at a time. */
  private trackingChain: Promise<void> = Promise.resolve();
  private currentState: TwoTierState = 'idle';
  /** Bumped on every flush: a read that began in an older epoch never fills L1. */
  private epoch = 0;
  private l2Hits = 0;
  private l2Misses = 0;
  private invalidationCount = 0;
  private flushCount = 0;
  private readonly stateChanges = new EventEmitter<TwoTierStateChange>();
  private readonly invalidations = new EventEmitter<TwoTierInvalidation>();
  private readonly onDataReady = (): void => void this.track('data connection ready');
  private readonly onDataLost = (): void => this.degrade('data connection lost');

  /** Fires on every state transition. */
  readonly onStateChange: Event<TwoTierStateChange> = this.stateChanges.event;
  /** Fires for every invalidation applied to L1. */
  readonly onInvalidate: Event<TwoTierInvalidation> = this.invalidations.event;

  constructor(
    private readonly redis: Redis,
    options: TwoTierCacheOptions<V> = {},
  ) {
    if (typeof (redis as { duplicate?: unknown } | undefined)?.duplicate !== 'function')
      throw new InvalidOptionError('redis', redis, 'an ioredis client');
    checkKnownKeys('twoTierCache', options, KNOWN_OPTIONS);
    const d = DEFAULT_TWO_TIER_CACHE_OPTIONS;
    this.l1Ttl = check.duration('l1Ttl', options.l1Ttl, d.l1Ttl, { above: 0, allowInfinity: true });
    this.ttl = check.duration('ttl', options.ttl, d.ttl, { above: 0, allowInfinity: true });
    if (options.prefix !== undefined && typeof options.prefix !== 'string')
      throw new InvalidOptionError('prefix', options.prefix, 'a string');
    this.prefix = options.prefix ?? d.prefix;
    this.mode = check.oneOf('mode', options.mode, d.mode, ['default', 'broadcast']);
    this.loader = check.func<TwoTierLoader<V>>('loader', options.loader);
    this.serialize = check.func<(value: V) => string>('serialize', options.serialize) ?? JSON.stringify;
    this.deserialize = check.func<(text: string) => V>('deserialize', options.deserialize) ?? JSON.parse;
    this.createSubscriber =
      check.func<() => Redis>('createSubscriber', options.createSubscriber) ??
      (() => redis.duplicate({ autoResubscribe: false, lazyConnect: true }));
    const l1Options = check.object<NonNullable<TwoTierCacheOptions<V>['l1']>>('l1', options.l1) ?? d.l1;
    this.clock = check.object<Clock>('clock', options.clock) ?? coarseSystemClock;
    this.l1 = new Cache<string, V>({
      ...l1Options,
      ttl: this.l1Ttl,
      clock: this.clock,
      random: check.object<Random>('random', options.random) ?? systemRandom,
    });
  }

  /** The current state. */
  get state(): TwoTierState {
    return this.currentState;
  }

  /**
   * Opens the invalidation connection and turns tracking on; resolves once L1 is in use.
   * Reconnections afterwards are handled by themselves. Nothing waits forever: if both
   * connections are not ready and tracking on within `timeout`, or a connection ends for good,
   * it rejects with a {@link TwoTierStartError} naming what was not ready; an aborted `signal`
   * rejects with its reason. Either way the invalidation connection is closed and the cache is
   * `idle` again (reads go to Redis), so `start` may be retried. Concurrent calls share the first
   * call's start (its signal and timeout); a later caller's own signal only abandons its wait.
   *
   * @example
   * ```ts
   * import { Redis } from 'ioredis';
   * import { TwoTierCache } from '@keel/redis';
   * const redis = new Redis({ host: '127.0.0.1' });
   * const cache = new TwoTierCache<string>(redis);
   * await cache.start({ timeout: 5_000, signal: AbortSignal.timeout(10_000) });
   * ```
   */
  async start(options: TwoTierStartOptions = {}): Promise<void> {
    check.object('start', options);
    checkKnownKeys('start', options, ['signal', 'timeout']);
    const signal = check.signal('signal', options.signal);
    const timeout = check.duration('timeout', options.timeout, DEFAULT_TWO_TIER_START_OPTIONS.timeout, {
      above: 0,
      allowInfinity: true,
    });
    if (signal?.aborted) throw abortError(signal);
    if (this.starting !== undefined) return raceAbort(this.starting, signal);
    if (this.currentState !== 'idle') return;
    const starting = this.startOnce(signal, timeout);
    this.starting = starting;
    const done = (): void => {
      if (this.starting === starting) this.starting = undefined;
    };
    starting.then(done, done);
    return starting;
  }

  private startOnce(signal: AbortSignal | undefined, timeoutMs: number): Promise<void> {
    const subscriber = this.createSubscriber();
    this.subscriber = subscriber;
    this.lastTrackingError = undefined;
    let subscriberError: unknown;
    let dataError: unknown;
    const onMessage = (channel: Buffer, message: unknown): void => {
      if (channel.toString() === INVALIDATE_CHANNEL) this.applyInvalidation(message);
    };
    const onSubscriberReady = (): void => void this.track('invalidation connection ready');
    const onSubscriberClose = (): void => {
      this.subscriberId = undefined;
      this.degrade('invalidation connection lost');
    };
    const onSubscriberError = (error: unknown): void => {
      subscriberError = error;
      this.degrade('invalidation connection error');
    };
    subscriber.on('messageBuffer', onMessage);
    subscriber.on('ready', onSubscriberReady);
    subscriber.on('close', onSubscriberClose);
    subscriber.on('error', onSubscriberError);
    this.redis.on('ready', this.onDataReady);
    this.redis.on('close', this.onDataLost);
    this.setState('degraded', 'starting');

    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const onDataError = (error: unknown): void => {
        dataError = error;
      };
      const stageNow = (): TwoTierStartStage =>
        subscriber.status !== 'ready'
          ? 'invalidation connection'
          : this.redis.status !== 'ready'
            ? 'data connection'
            : 'tracking';
      const causeOf = (stage: TwoTierStartStage): unknown =>
        stage === 'invalidation connection'
          ? subscriberError
          : stage === 'data connection'
            ? dataError
            : this.lastTrackingError;
      const finish = (error: unknown): void => {
        if (settled) return;
        settled = true;
        timer?.clear();
        signal?.removeEventListener('abort', onAbort);
        watching.dispose();
        subscriber.off('end', onSubscriberEnd);
        this.redis.off('end', onDataEnd);
        this.redis.off('error', onDataError);
        if (error === undefined) {
          resolve();
          return;
        }
        // Let go of everything this start set up, so that nothing keeps retrying in the background.
        subscriber.off('messageBuffer', onMessage);
        subscriber.off('ready', onSubscriberReady);
        subscriber.off('close', onSubscriberClose);
        subscriber.off('error', onSubscriberError);
        this.redis.off('ready', this.onDataReady);
        this.redis.off('close', this.onDataLost);
        if (this.subscriber === subscriber) {
          this.subscriber = undefined;
          this.subscriberId = undefined;
        }
        subscriber.disconnect();
        if (this.currentState !== 'closed') {
          this.flushLocal();
          this.setState('idle', 'start failed');
        }
        reject(error);
      };
      const fail = (reason: 'timeout' | 'connection ended', stage = stageNow()): void =>
        finish(new TwoTierStartError(stage, reason, timeoutMs, causeOf(stage)));
      const onAbort = (): void => finish(abortError(signal!));
      const onSubscriberEnd = (): void => fail('connection ended', 'invalidation connection');
      const onDataEnd = (): void => fail('connection ended', 'data connection');
      const watching = this.onStateChange(({ to }) => {
        if (to === 'tracking' || to === 'closed') finish(undefined);
      });
      const timer = Number.isFinite(timeoutMs)
        ? this.clock.setTimeout(() => fail('timeout'), timeoutMs)
        : undefined;
      signal?.addEventListener('abort', onAbort, { once: true });
      subscriber.on('end', onSubscriberEnd);
      this.redis.on('end', onDataEnd);
      this.redis.on('error', onDataError);
      // A lazily connecting data connection would otherwise wait for the first command.
      if (this.redis.status === 'wait')
        this.redis.connect().catch((error: unknown) => {
          dataError ??= error;
        });
      // A refused connection is not final: ioredis reconnects until its retryStrategy gives up
      // ('end'), and the timeout bounds the wait.
      if (subscriber.status === 'wait')
        subscriber.connect().catch((error: unknown) => {
          subscriberError ??= error;
        });
      else void this.track('start');
    });
  }

  /**
   * Returns the value of `key`: from L1 while tracking; else from Redis (then L1); else from
   * the loader (then Redis). `undefined` when no tier and no loader has it.
   */
  async get(key: string, options?: { readonly signal?: AbortSignal }): Promise<V | undefined> {
    if (this.currentState === 'tracking') {
      const cached = this.l1.get(key);
      if (cached !== undefined) return cached;
    }
    return this.flights.do(
      key,
      (signal) => this.readThrough(key, signal, this.pendingReplies.get(key)),
      options?.signal,
    );
  }

  /**
   * Reads many keys with one round trip: L1 hits as they are, keys already being read joined, and
   * every other key fetched by a single `MGET` (each key's share of it is what a concurrent `get`
   * of that key joins); Redis misses go to the loader, key by key, and are written back. Keys that
   * no tier and no loader has are absent from the answer.
   *
   * @example
   * ```ts
   * import { TwoTierCache } from '@keel/redis';
   * import { Redis } from 'ioredis';
   * const cache = new TwoTierCache<string>(new Redis());
   * await cache.start();
   * const names = await cache.getAll(['user:1', 'user:2']);
   * console.log(names.get('user:1'));
   * ```
   */
  async getAll(keys: Iterable<string>, options?: { readonly signal?: AbortSignal }): Promise<Map<string, V>> {
    const distinct = new Set(check.iterable<string>('getAll.keys', keys, 'an iterable of string keys'));
    const signal = options?.signal;
    const found = new Map<string, V>();
    const waits: [string, Promise<V | undefined>][] = [];
    const batch: string[] = [];
    // Checked before any read starts, so that a bad key leaves no read behind unawaited.
    for (const key of distinct)
      if (typeof key !== 'string') throw new InvalidOptionError('getAll.keys', key, 'string keys');
    for (const key of distinct) {
      if (this.currentState === 'tracking') {
        const cached = this.l1.get(key);
        if (cached !== undefined) {
          found.set(key, cached);
          continue;
        }
      }
      if (this.flights.has(key) || this.pendingReplies.has(key))
        waits.push([
          key,
          this.flights.do(
            key,
            (flight) => this.readThrough(key, flight, this.pendingReplies.get(key)),
            signal,
          ),
        ]);
      else batch.push(key);
    }
    if (batch.length > 0) {
      const replies = this.redis.mget(...batch.map((key) => this.prefix + key));
      const fetches = batch.map((_, index) => () => replies.then((texts) => texts[index] ?? null));
      batch.forEach((key, index) => {
        this.pendingReplies.set(key, fetches[index]!);
      });
      const settle = (): void =>
        batch.forEach((key, index) => {
          if (this.pendingReplies.get(key) === fetches[index]) this.pendingReplies.delete(key);
        });
      // Observed by every key's flight; settled here too in case every caller has left.
      replies.then(settle, settle);
      batch.forEach((key, index) => {
        const read = (flight: AbortSignal) => this.readThrough(key, flight, fetches[index]);
        waits.push([key, this.flights.do(key, read, signal)]);
      });
    }
    const values = await Promise.all(waits.map(([, wait]) => wait));
    values.forEach((value, index) => {
      if (value !== undefined) found.set(waits[index]![0], value);
    });
    return found;
  }

  /** Writes `value` to Redis (with the configured TTL unless given) and drops `key` from L1. */
  async set(key: string, value: V, options?: { readonly ttl?: number }): Promise<void> {
    const ttl = options?.ttl ?? this.ttl;
    await this.writeToRedis(key, value, ttl);
    this.forgetLocally(key);
  }

  /** Deletes `key` from Redis and L1; true when Redis had it. */
  async delete(key: string): Promise<boolean> {
    const removed = await this.redis.del(this.prefix + key);
    this.forgetLocally(key);
    return removed > 0;
  }

  /** True when L1 holds `key` (for diagnostics). */
  hasLocal(key: string): boolean {
    return this.l1.has(key);
  }

  /** The counters of both tiers. */
  stats(): TwoTierStats {
    return {
      l1: this.l1.stats(),
      l2Hits: this.l2Hits,
      l2Misses: this.l2Misses,
      invalidations: this.invalidationCount,
      flushes: this.flushCount,
    };
  }

  /** Turns tracking off, closes the invalidation connection and empties L1. The data connection stays open. */
  async close(): Promise<void> {
    if (this.currentState === 'closed') return;
    this.setState('closed', 'closed');
    this.redis.off('ready', this.onDataReady);
    this.redis.off('close', this.onDataLost);
    this.flushLocal();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (this.redis.status === 'ready')
      await this.redis.call('CLIENT', 'TRACKING', 'OFF').catch(() => undefined);
    subscriber?.disconnect();
  }

  /** Reads `key` from Redis (or takes its reply from `fetch`, a share of an MGET), then the loader. */
  private async readThrough(
    key: string,
    signal: AbortSignal,
    fetch: () => Promise<string | null> = () => this.redis.get(this.prefix + key),
  ): Promise<V | undefined> {
    const token = {};
    const epoch = this.epoch;
    const cacheable = this.currentState === 'tracking';
    this.reading.set(key, token);
    try {
      const text = await fetch();
      if (text !== null) {
        this.l2Hits++;
        const value = this.deserialize(text);
        // Keep it only if nothing invalidated it (or everything) while the reply travelled.
        if (
          cacheable &&
          this.currentState === 'tracking' &&
          this.epoch === epoch &&
          this.reading.get(key) === token
        )
          this.l1.set(key, value);
        return value;
      }
      this.l2Misses++;
      if (this.loader === undefined) return undefined;
      const loaded = await this.loader(key, { signal });
      // Written by this client: not cached in L1 (the next read fetches it tracked).
      if (loaded !== undefined) await this.writeToRedis(key, loaded, this.ttl);
      return loaded;
    } finally {
      if (this.reading.get(key) === token) this.reading.delete(key);
    }
  }

  private async writeToRedis(key: string, value: V, ttl: number): Promise<void> {
    const text = this.serialize(value);
    if (ttl === Number.POSITIVE_INFINITY) await this.redis.set(this.prefix + key, text);
    else await this.redis.set(this.prefix + key, text, 'PX', Math.max(1, Math.ceil(ttl)));
  }

  private forgetLocally(key: string): void {
    this.reading.delete(key);
    this.pendingReplies.delete(key);
    this.flights.forget(key);
    this.l1.delete(key);
  }

  /** Redirects this client's tracking to the invalidation connection (again, after any reconnection). */
  private track(reason: string): Promise<void> {
    this.trackingChain = this.trackingChain.then(() => this.trackOnce(reason));
    return this.trackingChain;
  }

  private async trackOnce(reason: string): Promise<void> {
    const subscriber = this.subscriber;
    if (this.currentState === 'closed' || subscriber === undefined) return;
    if (subscriber.status !== 'ready' || this.redis.status !== 'ready') return;
    try {
      if (this.subscriberId === undefined) {
        // A subscribed RESP2 connection accepts nothing but pub/sub commands: ask its id first.
        const id = (await subscriber.client('ID')) as number;
        await subscriber.subscribe(INVALIDATE_CHANNEL);
        if (this.subscriber !== subscriber) return;
        this.subscriberId = id;
      }
      // NOLOOP: this client's own writes are not echoed back; they already dropped the key from
      // L1, and L1 is only ever filled by a tracked read made after the last write.
      const args = ['TRACKING', 'ON', 'REDIRECT', String(this.subscriberId), 'NOLOOP'];
      if (this.mode === 'broadcast') args.push('BCAST', 'PREFIX', this.prefix);
      // Tracking may still be on from an earlier session (switching a broadcast prefix in place
      // is refused), so turn it off first; L1 is flushed below anyway.
      await this.redis.call('CLIENT', 'TRACKING', 'OFF');
      await this.redis.call('CLIENT', ...args);
      if (this.subscriber !== subscriber || (this.currentState as TwoTierState) === 'closed') return;
      // Whatever L1 held was not covered by this tracking session.
      this.flushLocal();
      this.setState('tracking', reason);
    } catch (error) {
      // A connection dropped midway: its 'close' degrades, its 'ready' tries again.
      this.lastTrackingError = error;
      this.degrade('tracking could not be enabled');
    }
  }

  private degrade(reason: string): void {
    if (this.currentState === 'closed') return;
    this.flushLocal();
    if (this.currentState !== 'degraded') this.setState('degraded', reason);
  }

  private applyInvalidation(message: unknown): void {
    if (message === null) {
      this.flushLocal();
      return;
    }
    const buffers = Array.isArray(message) ? message : [message];
    const keys: string[] = [];
    for (const buffer of buffers) {
      const redisKey = String(buffer);
      if (!redisKey.startsWith(this.prefix)) continue;
      const key = redisKey.slice(this.prefix.length);
      this.reading.delete(key);
      this.pendingReplies.delete(key);
      this.l1.delete(key);
      keys.push(key);
    }
    this.invalidationCount += keys.length;
    if (keys.length > 0 && this.invalidations.hasListeners) this.invalidations.emit({ keys });
  }

  private flushLocal(): void {
    this.epoch++;
    this.flushCount++;
    this.reading.clear();
    this.pendingReplies.clear();
    this.l1.clear();
    if (this.invalidations.hasListeners) this.invalidations.emit({ keys: 'all' });
  }

  private setState(to: TwoTierState, reason: string): void {
    const from = this.currentState;
    if (from === to) return;
    this.currentState = to;
    this.stateChanges.emit({ from, to, reason });
  }
}
