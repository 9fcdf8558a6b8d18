import { type Clock, coarseSystemClock } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import { type Random, systemRandom } from '../../random/index.js';
import { grown } from './grown.js';
import { hashCacheKey, mix32 } from './hash.js';
import { KeyIndex } from './key-index.js';
import { type EvictionPolicy, type EvictionPolicyFactory, FIRST_SLOT } from './policies/policy.js';
import { wTinyLfu } from './policies/w-tinylfu.js';
import { TimerWheel } from './timer-wheel.js';

/**
 * Options of a {@link Cache}. At least one bound is required: `maxEntries`, or `maxSize` with
 * `sizeOf`.
 */
export interface CacheOptions<K, V> {
  /**
   * The most entries the cache holds.
   * @default Infinity (then `maxSize` and `sizeOf` are required)
   */
  readonly maxEntries?: number;
  /**
   * The most total size the cache holds, as measured by `sizeOf` (bytes, for instance).
   * @default Infinity
   */
  readonly maxSize?: number;
  /**
   * Measures an entry for `maxSize`: a finite number >= 0. Called once per `set`.
   * @default undefined (every entry counts as 1)
   */
  readonly sizeOf?: (value: V, key: K) => number;
  /**
   * Which entry leaves when the cache is full: {@link wTinyLfu}, {@link lru} or {@link s3Fifo}.
   * @default wTinyLfu()
   */
  readonly policy?: EvictionPolicyFactory;
  /**
   * How long an entry lives, in milliseconds, unless `set` says otherwise.
   * @default Infinity
   */
  readonly ttl?: number;
  /**
   * Shortens each default TTL by a random share up to this ratio, so that entries written
   * together do not all expire together (and stampede their source together). Per-entry TTLs
   * given to `set` are exact.
   * @default 0.1
   */
  readonly ttlJitter?: number;
  /**
   * Sliding expiry: an entry neither read nor written for this many milliseconds expires (Caffeine's
   * `expireAfterAccess`). With `ttl` as well, whichever comes first wins: reads keep an entry
   * alive, but never past its time to live. `peek`, `has` and `ttlOf` do not count as reads.
   * @default Infinity
   */
  readonly idleTtl?: number;
  /**
   * Reads are recorded in a buffer of this many entries and applied to the policy (recency,
   * frequency) at the next write, miss or removal, as Caffeine does; while the buffer is full,
   * further reads are not recorded (the policy is approximate, reads stay cheap). 0 applies every
   * read at once.
   * @default 64
   */
  readonly readBufferSize?: number;
  /**
   * The source of time for expiry. The default reads the system clock at most once a
   * millisecond (see `coarseClock`), so an entry may be served up to a millisecond past its
   * deadline, or to the end of a synchronous run of up to 1,024 reads; pass `systemClock` to
   * read it every time.
   * @default coarseSystemClock
   */
  readonly clock?: Clock;
  /**
   * The source of chance for TTL jitter and admission tie-breaks.
   * @default systemRandom
   */
  readonly random?: Random;
}

/**
 * The defaults of {@link CacheOptions}.
 * @example
 * ```ts
 * import { DEFAULT_CACHE_OPTIONS } from '@keel/core/caching';
 * console.log(DEFAULT_CACHE_OPTIONS.ttlJitter, DEFAULT_CACHE_OPTIONS.readBufferSize); // 0.1 64
 * ```
 */
export const DEFAULT_CACHE_OPTIONS = {
  maxEntries: Number.POSITIVE_INFINITY,
  maxSize: Number.POSITIVE_INFINITY,
  ttl: Number.POSITIVE_INFINITY,
  ttlJitter: 0.1,
  idleTtl: Number.POSITIVE_INFINITY,
  readBufferSize: 64,
} as const;

const KNOWN_OPTIONS = [
  'maxEntries',
  'maxSize',
  'sizeOf',
  'policy',
  'ttl',
  'ttlJitter',
  'idleTtl',
  'readBufferSize',
  'clock',
  'random',
];

/** Options of one {@link Cache.set}. */
export interface CacheSetOptions {
  /** This entry's time to live in milliseconds (exact, no jitter); `Infinity` for none. */
  readonly ttl?: number;
}

/**
 * Why an entry left the cache: `evicted` (the bound), `rejected` (a newcomer refused by
 * admission, or larger than `maxSize`), `expired`, `deleted`, `replaced` (the old value of a
 * `set`) or `cleared`.
 */
export type RemovalReason = 'evicted' | 'rejected' | 'expired' | 'deleted' | 'replaced' | 'cleared';

/** Emitted for every value that leaves the cache. */
export interface CacheRemoval<K, V> {
  readonly key: K;
  readonly value: V;
  readonly reason: RemovalReason;
}

/** Counters since the cache was created (or since {@link Cache.resetStats}). */
export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  /** Hits over reads; 0 before the first read. */
  readonly hitRatio: number;
  /** Residents evicted to respect the bound. */
  readonly evictions: number;
  /** Newcomers the admission policy refused (W-TinyLFU), plus values larger than `maxSize`. */
  readonly admissionRejections: number;
  readonly expirations: number;
  readonly size: number;
  readonly totalSize: number;
}

/**
 * A bounded in-process cache with a pluggable eviction policy (W-TinyLFU by default), entry
 * count and size bounds, TTLs with jitter, statistics and removal events.
 *
 * Entries live in arrays addressed by slot numbers, and the policy keeps its lists in typed
 * arrays, so reads and writes allocate nothing. Short strings and 32-bit integers find their slot
 * in an open-addressed table keyed by the hash the policy needs anyway (other keys in a Map): an
 * insert into a full cache never reads the leaver's key, and a flood of colliding keys makes the
 * table hand everything to the Map. Keys compare as in a Map (SameValueZero). Reads are buffered
 * and applied to the policy at the next write or miss (see `readBufferSize`), which keeps a hit to
 * one lookup and an array write. An entry past its deadline is never served; every write first
 * lets go of the entries whose deadline has passed (a hierarchical timer wheel finds them within
 * 64 ms of it, in constant time each), so expired entries neither linger nor push live ones out.
 * `purgeExpired` sweeps them all at once. The clock is read only when some entry has a deadline.
 * `undefined` is not a storable value: setting it deletes the key.
 *
 * @example
 * ```ts
 * import { Cache } from '@keel/core/caching';
 * const cache = new Cache<string, { name: string }>({ maxEntries: 10_000, ttl: 60_000 });
 * cache.set('user:1', { name: 'Ada' });
 * console.log(cache.get('user:1')?.name, cache.stats().hits);
 * ```
 */
export class Cache<K, V> {
  /** Each slot's key at `slot * 2` and value at `slot * 2 + 1`: one cache line holds both. */
  private readonly cells: unknown[] = [];
  private readonly index = new KeyIndex<K>(this.cells);
  /** When each slot expires: its write deadline, or sooner when idle expiry applies. */
  private expiries: Float64Array | undefined;
  /** Each slot's write deadline (`ttl`), kept apart only when `idleTtl` slides `expiries`. */
  private writeExpiries: Float64Array | undefined;
  private sizes: Float64Array | undefined;
  /** When each slot with a deadline is next looked at; exists from the first finite deadline. */
  private wheel: TimerWheel | undefined;
  private readonly freeSlots: number[] = [];
  private nextSlot = FIRST_SLOT;
  private slotCapacity = 0;
  private readonly policy: EvictionPolicy;
  private readonly usesHashes: boolean;
  /** Slots read since the policy last heard of reads (see `readBufferSize`). */
  private readonly readBuffer: Int32Array;
  private readonly readBufferLength: number;
  private readCount = 0;
  /**
   * The key of the last miss, known to be absent until the next insert, and its hash: the
   * read-through `set` that usually follows needs neither an index lookup nor a hash. A flag says
   * whether one is remembered, so that keys are only ever compared with keys (a comparison with
   * a marker of another type would cost a generic equality call on every set).
   */
  private hasLastMiss = false;
  private lastMissKey: K | undefined;
  private lastMissHash = 0;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly defaultTtl: number;
  private readonly ttlJitter: number;
  private readonly idleTtl: number;
  private readonly sizeOf: ((value: V, key: K) => number) | undefined;
  private readonly weighted: boolean;
  private totalWeight = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private rejections = 0;
  private expirations = 0;
  private readonly removed = new EventEmitter<CacheRemoval<K, V>>();

  /** The most entries held. */
  readonly maxEntries: number;
  /** The most total size held (`Infinity` when unbounded). */
  readonly maxSize: number;
  /** The name of the eviction policy. */
  readonly policyName: string;
  /** Fires for every value that leaves: evicted, rejected, expired, deleted, replaced or cleared. */
  readonly onRemoved: Event<CacheRemoval<K, V>> = this.removed.event;

  constructor(options: CacheOptions<K, V>) {
    check.object('cache', options);
    checkKnownKeys('cache', options, KNOWN_OPTIONS);
    this.maxEntries = check.integer('maxEntries', options.maxEntries, DEFAULT_CACHE_OPTIONS.maxEntries, {
      min: 1,
      allowInfinity: true,
    });
    this.maxSize = check.number('maxSize', options.maxSize, DEFAULT_CACHE_OPTIONS.maxSize, {
      above: 0,
      allowInfinity: true,
    });
    this.sizeOf = check.func('sizeOf', options.sizeOf);
    if (Number.isFinite(this.maxSize) && this.sizeOf === undefined)
      throw new InvalidOptionError('sizeOf', undefined, 'a function measuring entries, since maxSize is set');
    if (!Number.isFinite(this.maxEntries) && !Number.isFinite(this.maxSize))
      throw new InvalidOptionError(
        'maxEntries',
        options.maxEntries,
        'a positive integer, or maxSize with sizeOf',
      );
    const policy = options.policy ?? wTinyLfu();
    if (typeof policy !== 'object' || policy === null || typeof policy.create !== 'function')
      throw new InvalidOptionError(
        'policy',
        policy,
        'an eviction policy such as wTinyLfu(), lru() or s3Fifo()',
      );
    this.defaultTtl = check.duration('ttl', options.ttl, DEFAULT_CACHE_OPTIONS.ttl, {
      above: 0,
      allowInfinity: true,
    });
    this.ttlJitter = check.ratio('ttlJitter', options.ttlJitter, DEFAULT_CACHE_OPTIONS.ttlJitter);
    this.idleTtl = check.duration('idleTtl', options.idleTtl, DEFAULT_CACHE_OPTIONS.idleTtl, {
      above: 0,
      allowInfinity: true,
    });
    this.readBufferLength = check.integer(
      'readBufferSize',
      options.readBufferSize,
      DEFAULT_CACHE_OPTIONS.readBufferSize,
      { min: 0, max: 1 << 16 },
    );
    this.readBuffer = new Int32Array(this.readBufferLength);
    this.clock = check.object<Clock>('clock', options.clock) ?? coarseSystemClock;
    this.random = check.object<Random>('random', options.random) ?? systemRandom;
    this.weighted = this.sizeOf !== undefined && Number.isFinite(this.maxSize);
    this.policy = policy.create({
      capacity: this.weighted ? this.maxSize : this.maxEntries,
      maxEntries: this.maxEntries,
      weighted: this.weighted,
      random: this.random,
    });
    this.usesHashes = policy.usesHashes;
    this.policyName = policy.name;
    for (let slot = 0; slot < FIRST_SLOT; slot++) this.cells.push(undefined, undefined);
    if (this.idleTtl !== Number.POSITIVE_INFINITY) {
      // Sliding expiry gives every slot a deadline, and keeps its write deadline beside it.
      this.expiries = new Float64Array(0);
      this.writeExpiries = new Float64Array(0);
      this.wheel = new TimerWheel(this.clock.now(), 0);
    }
    this.growSlots(Math.min(this.slotLimit(), 64));
  }

  /** The number of entries (expired ones not yet noticed included). */
  get size(): number {
    return this.index.size;
  }

  /** The total size of the entries as measured by `sizeOf` (their count without it). */
  get totalSize(): number {
    return this.sizeOf === undefined ? this.index.size : this.totalWeight;
  }

  /** Reads `key`, counting a hit or a miss and telling the policy; expired entries are removed. */
  get(key: K): V | undefined {
    const index = this.index;
    const slot = index.find(key);
    if (slot !== -1) {
      const expiries = this.expiries;
      if (expiries !== undefined) {
        const expiresAt = expiries[slot]!;
        if (expiresAt !== Number.POSITIVE_INFINITY) {
          const now = this.clock.now();
          if (expiresAt <= now) {
            // Taken before a removal listener can run a lookup of its own.
            const hash = this.hashFor(key, index.hashed, index.hash);
            this.drainReads();
            this.expire(slot);
            this.misses++;
            // Not remembered as absent: a removal listener may have stored the key again.
            this.policy.onMiss(hash);
            return undefined;
          }
          // A read pushes the idle deadline back, never past the write deadline.
          const writeExpiries = this.writeExpiries;
          if (writeExpiries !== undefined)
            expiries[slot] = Math.min(writeExpiries[slot]!, now + this.idleTtl);
        }
      }
      this.hits++;
      const count = this.readCount;
      if (count < this.readBufferLength) {
        this.readBuffer[count] = slot;
        this.readCount = count + 1;
      } else if (this.readBufferLength === 0) {
        this.policy.onHit(slot);
      }
      return this.cells[(slot << 1) + 1] as V;
    }
    this.misses++;
    if (this.readCount !== 0) this.drainReads();
    // Remembered because a read-through `set` of the same key usually follows.
    // The index's hash when it computed one: a table key's `set` needs it.
    const hash = this.hashFor(key, index.hashed, index.hash);
    this.hasLastMiss = true;
    this.lastMissKey = key;
    this.lastMissHash = hash;
    this.policy.onMiss(hash);
    return undefined;
  }

  /** Reads `key` without counting it or changing its standing; `undefined` when absent or expired. */
  peek(key: K): V | undefined {
    const slot = this.index.find(key);
    if (slot === -1 || this.isExpired(slot)) return undefined;
    return this.cells[(slot << 1) + 1] as V;
  }

  /** True when `key` is present and not expired; like {@link Cache.peek}, changes nothing. */
  has(key: K): boolean {
    const slot = this.index.find(key);
    return slot !== -1 && !this.isExpired(slot);
  }

  /**
   * The remaining time to live of `key` in milliseconds: `Infinity` for an entry without TTL,
   * `undefined` when absent or expired.
   */
  ttlOf(key: K): number | undefined {
    const slot = this.index.find(key);
    if (slot === -1 || this.isExpired(slot)) return undefined;
    const expiresAt = this.expiries?.[slot] ?? Number.POSITIVE_INFINITY;
    return expiresAt === Number.POSITIVE_INFINITY ? expiresAt : expiresAt - this.clock.now();
  }

  /**
   * Stores `value` under `key` (setting `undefined` deletes the key). A new key in a cache full
   * by `maxEntries` first makes room: the policy's choice leaves (with W-TinyLFU, the window's
   * oldest entry or probation's, whichever loses the admission contest) and the newcomer takes its
   * slot, so the count never exceeds `maxEntries`; the removal is announced once the newcomer is
   * stored. Under `maxSize` the value is stored first, then entries are evicted while the total is
   * over the bound, which may include the newcomer.
   */
  set(key: K, value: V, options?: CacheSetOptions): this {
    if (value === undefined) {
      this.delete(key);
      return this;
    }
    const ttl = options?.ttl === undefined ? this.jitteredTtl() : checkTtl(options.ttl);
    // Entries past their deadline leave first, so that none is counted against the bound. (A
    // removal listener that inserts clears the miss memo below.)
    const now = this.wheel === undefined ? Number.NaN : this.expireDue();
    let weight = 1;
    if (this.sizeOf !== undefined) {
      weight = this.sizeOf(value, key);
      if (!(weight >= 0) || !Number.isFinite(weight))
        throw new InvalidOptionError('sizeOf', weight, 'a finite size >= 0 for every value');
      if (weight > this.maxSize) {
        this.delete(key);
        this.rejections++;
        if (this.removed.hasListeners) this.removed.emit({ key, value, reason: 'rejected' });
        return this;
      }
    }
    // The key of the last miss is absent (nothing was inserted since): no lookup needed.
    const missed = this.hasLastMiss && key === this.lastMissKey;
    const index = this.index;
    let slot = missed ? -1 : index.find(key);
    if (slot !== -1) {
      const old = this.cells[(slot << 1) + 1] as V;
      this.cells[(slot << 1) + 1] = value;
      let oldWeight = 1;
      if (this.sizes !== undefined) {
        oldWeight = this.sizes[slot]!;
        this.sizes[slot] = weight;
        this.totalWeight += weight - oldWeight;
      }
      this.setExpiry(slot, ttl, now);
      const count = this.readCount;
      if (this.weighted && oldWeight !== weight) {
        if (count !== 0) this.drainReads();
        this.policy.onUpdate(slot, oldWeight, weight);
      } else if (count < this.readBufferLength) {
        // An update that keeps the weight is an access like a read: buffer it the same way.
        this.readBuffer[count] = slot;
        this.readCount = count + 1;
      } else if (this.readBufferLength === 0) {
        this.policy.onUpdate(slot, weight, weight);
      }
      if (old !== value && this.removed.hasListeners)
        this.removed.emit({ key, value: old, reason: 'replaced' });
    } else {
      if (this.readCount !== 0) this.drainReads();
      // A full cache counted in entries makes room first and gives the newcomer the leaver's
      // slot: its entry and node are the ones just touched, and the index never exceeds the bound.
      let evicted = false;
      let leaverKey: K | undefined;
      let leaverValue: V | undefined;
      let leaverRejected = false;
      if (index.size >= this.maxEntries && !this.weighted) {
        slot = this.policy.evict(1);
        evicted = true;
        leaverRejected = this.policy.lastWasRejection;
        leaverKey = this.cells[slot << 1] as K;
        leaverValue = this.unindex(slot);
        if (leaverRejected) this.rejections++;
        else this.evictions++;
      } else {
        slot = this.allocate();
      }
      this.cells[slot << 1] = key;
      this.cells[(slot << 1) + 1] = value;
      const hash = missed ? this.lastMissHash : this.hashFor(key, index.hashed, index.hash);
      index.insert(key, slot, hash);
      if (this.sizes !== undefined) {
        this.sizes[slot] = weight;
        this.totalWeight += weight;
      }
      this.setExpiry(slot, ttl, now);
      if (this.hasLastMiss) {
        this.hasLastMiss = false;
        this.lastMissKey = undefined;
      }
      this.policy.onInsert(slot, hash, this.weighted ? weight : 1);
      // Announced once the newcomer is in place, so that a listener sees a consistent cache.
      if (evicted && this.removed.hasListeners)
        this.removed.emit({
          key: leaverKey as K,
          value: leaverValue as V,
          reason: leaverRejected ? 'rejected' : 'evicted',
        });
    }
    // Bounded by entries alone, a set never overflows: a newcomer to a full cache took a leaver's slot.
    if (this.weighted && (this.index.size > this.maxEntries || this.totalWeight > this.maxSize))
      this.evictOverflow();
    return this;
  }

  /** Removes `key`; true when it was present (even if expired). */
  delete(key: K): boolean {
    const slot = this.index.find(key);
    if (slot === -1) return false;
    if (this.readCount !== 0) this.drainReads();
    this.policy.onRemove(slot);
    const value = this.release(slot);
    if (this.removed.hasListeners) this.removed.emit({ key, value, reason: 'deleted' });
    return true;
  }

  /** Removes every entry (emitting `cleared` for each when someone listens) and the policy's history. */
  clear(): void {
    if (this.removed.hasListeners) {
      for (const slot of this.index.slots()) {
        const key = this.cells[slot << 1] as K;
        this.removed.emit({ key, value: this.cells[(slot << 1) + 1] as V, reason: 'cleared' });
      }
    }
    this.index.clear();
    this.readCount = 0;
    this.cells.length = FIRST_SLOT * 2;
    this.freeSlots.length = 0;
    this.nextSlot = FIRST_SLOT;
    this.totalWeight = 0;
    this.policy.clear();
    this.wheel?.clear(this.clock.now());
  }

  /** Removes every expired entry now and returns how many there were. */
  purgeExpired(): number {
    if (this.expiries === undefined) return 0;
    this.drainReads();
    let purged = 0;
    for (const slot of this.index.slots()) {
      if (this.isExpired(slot)) {
        this.expire(slot);
        purged++;
      }
    }
    return purged;
  }

  /** The keys of the live (unexpired) entries: a snapshot, in no particular order. */
  keys(): K[] {
    const keys: K[] = [];
    for (const slot of this.index.slots()) if (!this.isExpired(slot)) keys.push(this.cells[slot << 1] as K);
    return keys;
  }

  /**
   * The live (unexpired) entries as `[key, value]` pairs: a snapshot, in no particular order, for
   * saving a warm cache or inspecting it. Like {@link Cache.peek}, it counts no read.
   */
  entries(): [K, V][] {
    const entries: [K, V][] = [];
    for (const slot of this.index.slots())
      if (!this.isExpired(slot)) entries.push([this.cells[slot << 1] as K, this.cells[(slot << 1) + 1] as V]);
    return entries;
  }

  /** The counters since creation or the last {@link Cache.resetStats}. */
  stats(): CacheStats {
    const reads = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hitRatio: reads === 0 ? 0 : this.hits / reads,
      evictions: this.evictions,
      admissionRejections: this.rejections,
      expirations: this.expirations,
      size: this.index.size,
      totalSize: this.totalSize,
    };
  }

  /** Sets every counter back to zero. */
  resetStats(): void {
    this.hits = 0;
    this.misses = 0;
    this.evictions = 0;
    this.rejections = 0;
    this.expirations = 0;
  }

  /** Tells the policy about the buffered reads, oldest first. */
  private drainReads(): void {
    const count = this.readCount;
    this.readCount = 0;
    this.policy.onHits(this.readBuffer, count);
  }

  private evictOverflow(): void {
    while (this.index.size > this.maxEntries || this.totalWeight > this.maxSize) {
      const slot = this.policy.evict(0);
      const rejected = this.policy.lastWasRejection;
      const key = this.cells[slot << 1] as K;
      const value = this.release(slot);
      if (rejected) this.rejections++;
      else this.evictions++;
      if (this.removed.hasListeners)
        this.removed.emit({ key, value, reason: rejected ? 'rejected' : 'evicted' });
    }
  }

  private expire(slot: number): void {
    const key = this.cells[slot << 1] as K;
    this.policy.onRemove(slot);
    const value = this.release(slot);
    this.expirations++;
    if (this.removed.hasListeners) this.removed.emit({ key, value, reason: 'expired' });
  }

  /** Frees `slot` on the cache's side (the policy has already let go) and returns its value. */
  private release(slot: number): V {
    const value = this.unindex(slot);
    // No deadline any more: the wheel drops the slot when it next visits it.
    if (this.expiries !== undefined) this.expiries[slot] = Number.POSITIVE_INFINITY;
    // Emptied so that a free slot holds on to nothing.
    this.cells[slot << 1] = undefined;
    this.cells[(slot << 1) + 1] = undefined;
    this.freeSlots.push(slot);
    return value;
  }

  /**
   * Like {@link Cache.release} but keeps the slot, and its cells, for the caller to overwrite at
   * once with a newcomer.
   */
  private unindex(slot: number): V {
    this.index.remove(slot);
    if (this.sizes !== undefined) this.totalWeight -= this.sizes[slot]!;
    return this.cells[(slot << 1) + 1] as V;
  }

  private allocate(): number {
    if (this.freeSlots.length > 0) return this.freeSlots.pop()!;
    const slot = this.nextSlot++;
    if (slot >= this.slotCapacity) this.growSlots(Math.min(this.slotCapacity * 2, this.slotLimit()));
    this.cells.push(undefined, undefined);
    return slot;
  }

  /** Entries never exceed `maxEntries` for long: one newcomer over the bound, then eviction. */
  private slotLimit(): number {
    return Number.isFinite(this.maxEntries) ? this.maxEntries + FIRST_SLOT + 1 : 2 ** 31;
  }

  private growSlots(slots: number): void {
    const wanted = Math.max(slots, this.nextSlot + 1);
    this.policy.grow(wanted);
    this.index.growSlots(wanted);
    if (this.expiries !== undefined) this.expiries = grown(this.expiries, wanted, Number.POSITIVE_INFINITY);
    this.wheel?.growSlots(wanted);
    if (this.writeExpiries !== undefined)
      this.writeExpiries = grown(this.writeExpiries, wanted, Number.POSITIVE_INFINITY);
    if (this.sizeOf !== undefined) this.sizes = grown(this.sizes ?? new Float64Array(0), wanted, 0);
    this.slotCapacity = wanted;
  }

  /**
   * The hash a policy (or the index) needs for `key`: the index's own when it computed one (the
   * same function), else computed here if the policy uses hashes.
   */
  private hashFor(key: K, hashed: boolean, hash: number): number {
    if (hashed) return hash;
    return this.usesHashes ? mix32(hashCacheKey(key)) : 0;
  }

  private jitteredTtl(): number {
    const ttl = this.defaultTtl;
    if (ttl === Number.POSITIVE_INFINITY || this.ttlJitter === 0) return ttl;
    return ttl * (1 - this.ttlJitter * this.random.next());
  }

  /**
   * Sets the deadline of `slot` from `ttl` and puts it on the wheel. `now` is the time if the caller
   * has read it, else NaN (read here only when a deadline needs it).
   */
  private setExpiry(slot: number, ttl: number, now: number): void {
    const writeExpiries = this.writeExpiries;
    if (writeExpiries !== undefined) {
      // Sliding expiry: both arrays and the wheel exist from the start, so `set` has read the time.
      writeExpiries[slot] = now + ttl;
      const expiresAt = now + Math.min(ttl, this.idleTtl);
      this.expiries![slot] = expiresAt;
      this.wheel!.schedule(slot, expiresAt);
      return;
    }
    if (ttl === Number.POSITIVE_INFINITY) {
      // Left on the wheel, if it was there, until a visit finds it has no deadline.
      if (this.expiries !== undefined) this.expiries[slot] = ttl;
      return;
    }
    const at = Number.isNaN(now) ? this.clock.now() : now;
    if (this.expiries === undefined) {
      this.expiries = grown(new Float64Array(0), this.slotCapacity, Number.POSITIVE_INFINITY);
      this.wheel = new TimerWheel(at, this.slotCapacity);
    }
    const expiresAt = at + ttl;
    this.expiries[slot] = expiresAt;
    this.wheel!.schedule(slot, expiresAt);
  }

  /**
   * Moves the wheel to now and expires the entries it finds past their deadline; returns now.
   * Each is checked again before it goes: a removal listener may have replaced or deleted it.
   */
  private expireDue(): number {
    const now = this.clock.now();
    const due = this.wheel!.advance(now, this.expiries!);
    if (due.length === 0) return now;
    if (this.readCount !== 0) this.drainReads();
    // A slot a listener freed has no deadline; one it filled again has a deadline after now.
    for (const slot of due) if (this.expiries![slot]! <= now) this.expire(slot);
    return now;
  }

  private isExpired(slot: number): boolean {
    const expiries = this.expiries;
    if (expiries === undefined) return false;
    const expiresAt = expiries[slot]!;
    return expiresAt !== Number.POSITIVE_INFINITY && expiresAt <= this.clock.now();
  }
}

function checkTtl(ttl: number): number {
  if (typeof ttl !== 'number' || !(ttl > 0))
    throw new InvalidOptionError('set.ttl', ttl, 'a duration > 0 in milliseconds (or Infinity)');
  return ttl;
}
