import { Links } from './links.js';
import type { EvictionPolicy, EvictionPolicyFactory, PolicyContext } from './policy.js';

const LIST = 0;

class LruPolicy implements EvictionPolicy {
  private readonly links: Links;
  readonly lastWasRejection = false;

  constructor(_context: PolicyContext) {
    this.links = new Links(8);
  }

  grow(slots: number): void {
    this.links.grow(slots);
  }

  onInsert(slot: number): void {
    this.links.pushFront(LIST, slot);
  }

  onHit(slot: number): void {
    this.links.moveToFront(LIST, slot);
  }

  onHits(slots: Int32Array, count: number): void {
    for (let i = 0; i < count; i++) this.onHit(slots[i]!);
  }

  onMiss(): void {}

  onUpdate(slot: number): void {
    this.links.moveToFront(LIST, slot);
  }

  onRemove(slot: number): void {
    this.links.unlink(slot);
  }

  evict(): number {
    const slot = this.links.last(LIST);
    this.links.unlink(slot);
    return slot;
  }

  clear(): void {
    this.links.reset();
  }
}

/**
 * Least recently used: every read moves the entry to the front, the back is evicted. Best on
 * recency-heavy workloads (some traces favour it over frequency-based admission), and the
 * baseline every other policy is compared with.
 *
 * @example
 * ```ts
 * import { Cache, lru } from '@keel/core/caching';
 * const cache = new Cache<string, string>({ maxEntries: 1_000, policy: lru() });
 * cache.set('a', 'alpha');
 * console.log(cache.get('a'));
 * ```
 */
export function lru(): EvictionPolicyFactory {
  return { name: 'lru', usesHashes: false, create: (context) => new LruPolicy(context) };
}
