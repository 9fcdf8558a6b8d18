import { check, checkKnownKeys } from '../../../options/index.js';
import { HASH, Links, META, NODE_SHIFT } from './links.js';
import type { EvictionPolicy, EvictionPolicyFactory, PolicyContext } from './policy.js';

const SMALL = 0;
const MAIN = 1;
/** Two bits of access count per entry. */
const MAX_FREQUENCY = 3;

/**
 * Options of the S3-FIFO policy.
 */
export interface S3FifoOptions {
  /**
   * Share of the capacity given to the small FIFO that newcomers enter; entries not read again
   * before they reach its end leave quickly (most objects are read once).
   * @default 0.1
   */
  readonly smallRatio?: number;
}

/**
 * The defaults of {@link s3Fifo}.
 * @example
 * ```ts
 * import { DEFAULT_S3_FIFO_OPTIONS } from '@keel/core/caching';
 * console.log(DEFAULT_S3_FIFO_OPTIONS.smallRatio); // 0.1
 * ```
 */
export const DEFAULT_S3_FIFO_OPTIONS = { smallRatio: 0.1 } as const satisfies Required<S3FifoOptions>;

class S3FifoPolicy implements EvictionPolicy {
  /** Each slot's links, its key's hash ({@link HASH}) and its queue ({@link META}). */
  private readonly links = new Links(8);
  private frequency = new Uint8Array(8);
  private weights: Float64Array | undefined;
  private readonly smallMax: number;
  private smallWeight = 0;
  private mainWeight = 0;
  // The ghost queue remembers the hashes of entries evicted from the small queue; a newcomer
  // found there was evicted too early and goes straight to the main queue.
  private ghostRing = new Int32Array(16);
  private ghostNext = 0;
  private ghostFilled = 0;
  private readonly ghost = new Map<number, number>();
  readonly lastWasRejection = false;

  constructor(context: PolicyContext, smallRatio: number) {
    this.smallMax = Math.max(1, context.capacity * smallRatio);
    if (context.weighted) this.weights = new Float64Array(8);
  }

  grow(slots: number): void {
    this.links.grow(slots);
    if (slots <= this.frequency.length) return;
    const frequency = new Uint8Array(slots);
    frequency.set(this.frequency);
    this.frequency = frequency;
    if (this.weights !== undefined) {
      const weights = new Float64Array(slots);
      weights.set(this.weights);
      this.weights = weights;
    }
    // The ghost queue remembers about as many keys as the cache holds.
    if (slots > this.ghostRing.length) {
      const ring = new Int32Array(slots);
      for (let i = 0; i < this.ghostFilled; i++) {
        ring[i] =
          this.ghostRing[
            (this.ghostNext - this.ghostFilled + i + this.ghostRing.length) % this.ghostRing.length
          ]!;
      }
      this.ghostNext = this.ghostFilled;
      this.ghostRing = ring;
    }
  }

  onInsert(slot: number, hash: number, weight: number): void {
    const nodes = this.links.nodes;
    nodes[(slot << NODE_SHIFT) + HASH] = hash;
    this.frequency[slot] = 0;
    if (this.weights !== undefined) this.weights[slot] = weight;
    if (this.ghost.has(hash)) {
      nodes[(slot << NODE_SHIFT) + META] = MAIN;
      this.links.pushFront(MAIN, slot);
      this.mainWeight += weight;
    } else {
      nodes[(slot << NODE_SHIFT) + META] = SMALL;
      this.links.pushFront(SMALL, slot);
      this.smallWeight += weight;
    }
  }

  onHit(slot: number): void {
    const frequency = this.frequency[slot]!;
    if (frequency < MAX_FREQUENCY) this.frequency[slot] = frequency + 1;
  }

  onHits(slots: Int32Array, count: number): void {
    for (let i = 0; i < count; i++) this.onHit(slots[i]!);
  }

  onMiss(): void {}

  onUpdate(slot: number, oldWeight: number, weight: number): void {
    if (oldWeight !== weight) {
      if (this.weights !== undefined) this.weights[slot] = weight;
      if (this.regionOf(slot) === SMALL) this.smallWeight += weight - oldWeight;
      else this.mainWeight += weight - oldWeight;
    }
    this.onHit(slot);
  }

  onRemove(slot: number): void {
    this.links.unlink(slot);
    const weight = this.weightOf(slot);
    if (this.regionOf(slot) === SMALL) this.smallWeight -= weight;
    else this.mainWeight -= weight;
  }

  evict(incoming: number): number {
    const links = this.links;
    // A newcomer about to arrive counts as if it were already in the small queue (its usual place).
    const smallMax = this.smallMax - incoming;
    for (;;) {
      const oldestSmall = links.last(SMALL);
      if (oldestSmall !== SMALL && (this.smallWeight >= smallMax || links.last(MAIN) === MAIN)) {
        const weight = this.weightOf(oldestSmall);
        if (this.frequency[oldestSmall]! > 0) {
          // Read again while in the small queue: worth keeping.
          this.frequency[oldestSmall] = 0;
          links.nodes[(oldestSmall << NODE_SHIFT) + META] = MAIN;
          links.moveToFront(MAIN, oldestSmall);
          this.smallWeight -= weight;
          this.mainWeight += weight;
          continue;
        }
        links.unlink(oldestSmall);
        this.smallWeight -= weight;
        this.remember(links.nodes[(oldestSmall << NODE_SHIFT) + HASH]!);
        return oldestSmall;
      }
      const oldestMain = links.last(MAIN);
      const frequency = this.frequency[oldestMain]!;
      if (frequency > 0) {
        // Second chance, with one access fewer to its credit.
        this.frequency[oldestMain] = frequency - 1;
        links.moveToFront(MAIN, oldestMain);
        continue;
      }
      links.unlink(oldestMain);
      this.mainWeight -= this.weightOf(oldestMain);
      return oldestMain;
    }
  }

  clear(): void {
    this.links.reset();
    this.smallWeight = 0;
    this.mainWeight = 0;
    this.ghost.clear();
    this.ghostFilled = 0;
    this.ghostNext = 0;
  }

  private remember(hash: number): void {
    const ring = this.ghostRing;
    if (this.ghostFilled === ring.length) {
      const forgotten = ring[this.ghostNext]!;
      const count = this.ghost.get(forgotten)!;
      if (count <= 1) this.ghost.delete(forgotten);
      else this.ghost.set(forgotten, count - 1);
    } else {
      this.ghostFilled++;
    }
    ring[this.ghostNext] = hash;
    this.ghostNext = (this.ghostNext + 1) % ring.length;
    this.ghost.set(hash, (this.ghost.get(hash) ?? 0) + 1);
  }

  private regionOf(slot: number): number {
    return this.links.nodes[(slot << NODE_SHIFT) + META]!;
  }

  private weightOf(slot: number): number {
    return this.weights === undefined ? 1 : this.weights[slot]!;
  }
}

/**
 * S3-FIFO (Yang et al., SOSP 2023): three FIFO queues. Newcomers enter a small queue (10%);
 * those read again before reaching its end move to the main queue, the rest leave and are
 * remembered in a ghost queue, so that if they come back soon they go straight to main. The
 * main queue gives entries read since their last pass a second chance. Reads only bump a 2-bit
 * counter: no list moves at all on a hit.
 *
 * @example
 * ```ts
 * import { Cache, s3Fifo } from '@keel/core/caching';
 * const cache = new Cache<number, string>({ maxEntries: 10_000, policy: s3Fifo({ smallRatio: 0.1 }) });
 * cache.set(1, 'one');
 * console.log(cache.get(1));
 * ```
 */
export function s3Fifo(options: S3FifoOptions = {}): EvictionPolicyFactory {
  checkKnownKeys('s3Fifo', options, Object.keys(DEFAULT_S3_FIFO_OPTIONS));
  const smallRatio = check.ratio(
    's3Fifo.smallRatio',
    options.smallRatio,
    DEFAULT_S3_FIFO_OPTIONS.smallRatio,
    {
      above: 0,
      max: 0.9,
    },
  );
  return { name: 's3-fifo', usesHashes: true, create: (context) => new S3FifoPolicy(context, smallRatio) };
}
