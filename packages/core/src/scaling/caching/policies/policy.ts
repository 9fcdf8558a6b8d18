import type { Random } from '../../../random/index.js';
import type { hashCacheKey, mix32 } from '../hash.js';

/**
 * Slots 0 to 3 are never given to entries: policies use them as the sentinels (heads) of up to
 * four intrusive lists, so list operations need no empty-list branches.
 * @internal
 */
export const FIRST_SLOT = 4;

/**
 * What a policy is told when it is created.
 */
export interface PolicyContext {
  /** The weighted capacity: `maxSize` when entries have sizes, otherwise `maxEntries`. */
  readonly capacity: number;
  /** The bound on the number of entries (`Infinity` when only the size is bounded). */
  readonly maxEntries: number;
  /** True when entries carry sizes (`sizeOf` and a finite `maxSize`); otherwise every weight is 1. */
  readonly weighted: boolean;
  /** The source of chance (W-TinyLFU's admission tie-break against hash flooding). */
  readonly random: Random;
}

/**
 * An eviction policy decides which entry leaves when the cache is over its bound. The cache
 * owns the entries and addresses them by slot number (an index into its arrays); the policy keeps
 * its own per-slot bookkeeping (list links, hashes, counters) in arrays indexed the same way.
 * Every method is called on the cache's hot path, so implementations must not allocate.
 *
 * @example
 * ```ts
 * import { Cache, lru } from '@keel/core/caching';
 * const cache = new Cache<string, number>({ maxEntries: 2, policy: lru() });
 * console.log(cache.policyName); // "lru"
 * ```
 */
export interface EvictionPolicy {
  /** Makes room for slots numbered below `slots`. */
  grow(slots: number): void;
  /**
   * A new entry was stored in `slot`; `hash` is its key's hash, already mixed ({@link mix32} of
   * {@link hashCacheKey}), and `weight` its size.
   */
  onInsert(slot: number, hash: number, weight: number): void;
  /** The entry in `slot` was read. */
  onHit(slot: number): void;
  /** The entries in `slots[0..count)` were read, in that order (the cache's buffered reads). */
  onHits(slots: Int32Array, count: number): void;
  /** A read found nothing for the key whose mixed hash is `hash`. */
  onMiss(hash: number): void;
  /** The entry in `slot` got a new value whose weight is `weight` (it was `oldWeight`). */
  onUpdate(slot: number, oldWeight: number, weight: number): void;
  /** The entry in `slot` left for a reason of the cache's (deleted, expired, cleared). */
  onRemove(slot: number): void;
  /**
   * Chooses the entry to evict, unlinks it and returns its slot. Either the cache is over its
   * bound (`incoming` is 0), or it is full and about to store a newcomer of weight `incoming`
   * (then the slot returned is reused for the newcomer, so the bound is never exceeded). The
   * cache holds at least one entry. `lastWasRejection` tells whether the choice was a newcomer
   * refused by admission rather than a resident.
   */
  evict(incoming: number): number;
  /** True when the last {@link EvictionPolicy.evict} refused a newcomer. */
  readonly lastWasRejection: boolean;
  /** Forgets every entry (and, for frequency-based policies, the history too). */
  clear(): void;
}

/**
 * A named way to build a policy, given to the cache's `policy` option.
 *
 * @example
 * ```ts
 * import { s3Fifo } from '@keel/core/caching';
 * const factory = s3Fifo();
 * console.log(factory.name); // "s3-fifo"
 * ```
 */
export interface EvictionPolicyFactory {
  /** A short name used in statistics and simulator reports. */
  readonly name: string;
  /** True when the policy needs key hashes (the cache then hashes each key once). */
  readonly usesHashes: boolean;
  create(context: PolicyContext): EvictionPolicy;
}
