import { check, checkKnownKeys } from '../../../options/index.js';
import { hashKey, murmur3, type ShardKey } from '../hash.js';
import { normaliseShards, type Partitioner, type WeightedShard } from '../partitioner.js';
import type { PositionTable } from './hash-table.js';

/**
 * Options of {@link KetamaRing}.
 * @category Sharding
 */
export interface KetamaRingOptions {
  /**
   * Points on the ring per shard of average weight; a shard gets points in proportion to its
   * weight. More points give better balance (standard deviation of load roughly 1/sqrt(points))
   * at the cost of memory and a slightly deeper binary search.
   * @default 160 (libketama's 40 hashes × 4 points)
   */
  readonly vnodes?: number;
}

/**
 * Defaults of {@link KetamaRingOptions}.
 * @example
 * ```ts
 * import { DEFAULT_KETAMA_RING_OPTIONS } from '@keel/core/sharding';
 * console.log(DEFAULT_KETAMA_RING_OPTIONS.vnodes); // 160
 * ```
 * @category Sharding
 */
export const DEFAULT_KETAMA_RING_OPTIONS = { vnodes: 160 } as const satisfies Required<KetamaRingOptions>;

/**
 * Consistent hashing on a ring (Karger et al.; the ketama layout): each shard owns many points
 * on a 32-bit circle and a key belongs to the first point at or after its hash. Adding or
 * removing a shard moves only the keys of the arcs it gains or loses, about 1/n of them.
 * Lookup is a binary search over `vnodes × n` points held in typed arrays.
 *
 * @example
 * ```ts
 * import { KetamaRing } from '@keel/core/sharding';
 * const ring = new KetamaRing(['cache-a', 'cache-b', { id: 'cache-c', weight: 2 }]);
 * console.log(ring.getShard('session:9f2'));
 * ```
 * @category Sharding
 */
export class KetamaRing<S extends string = string> implements Partitioner<S>, PositionTable {
  readonly shards: readonly S[];
  /** Weight of each shard, aligned with `shards`. */
  readonly weights: readonly number[];
  private readonly points: Uint32Array;
  private readonly owners: Uint32Array;
  /** For each value of a hash's top bits, the first point at or above that prefix. */
  private readonly buckets: Uint32Array;
  private readonly shift: number;

  constructor(shards: readonly (S | WeightedShard<S>)[], options: KetamaRingOptions = {}) {
    checkKnownKeys('options', options, Object.keys(DEFAULT_KETAMA_RING_OPTIONS));
    const vnodes = check.integer('vnodes', options.vnodes, DEFAULT_KETAMA_RING_OPTIONS.vnodes, {
      min: 1,
      max: 65_536,
    });
    const { ids, weights } = normaliseShards('shards', shards);
    if (ids.length >= 1 << 21) throw new RangeError('a ring holds fewer than 2^21 shards');
    this.shards = ids;
    this.weights = weights;
    const meanWeight = weights.reduce((a, b) => a + b, 0) / weights.length;
    const counts = weights.map((w) => Math.max(1, Math.round((vnodes * w) / meanWeight)));
    const total = counts.reduce((a, b) => a + b, 0);
    // Pack (point, owner) into one float so a numeric typed-array sort orders both; ties on a
    // point go to the shard listed first, so every process builds the same ring.
    const packed = new Float64Array(total);
    let at = 0;
    for (let owner = 0; owner < ids.length; owner++) {
      const id = ids[owner]!;
      for (let v = 0; v < counts[owner]!; v++) packed[at++] = murmur3(`${id}#${v}`) * 2097152 + owner;
    }
    packed.sort();
    this.points = new Uint32Array(total);
    this.owners = new Uint32Array(total);
    for (let i = 0; i < total; i++) {
      const value = packed[i]!;
      const point = Math.floor(value / 2097152);
      this.points[i] = point;
      this.owners[i] = value - point * 2097152;
    }
    // A direct index on the top bits narrows the binary search to a point or two.
    const bits = Math.min(20, Math.max(4, Math.ceil(Math.log2(total)) + 1));
    this.shift = 32 - bits;
    this.buckets = new Uint32Array((1 << bits) + 1);
    let cursor = 0;
    for (let b = 0; b <= 1 << bits; b++) {
      const floor = b * 2 ** this.shift;
      while (cursor < total && this.points[cursor]! < floor) cursor++;
      this.buckets[b] = cursor;
    }
  }

  get positionCount(): number {
    return this.points.length;
  }

  getShard(key: ShardKey): S {
    return this.shards[this.owners[this.positionOf(hashKey(key))]!]!;
  }

  /** The index of the first point at or after `hash`, wrapping to 0 past the last. */
  positionOf(hash: number): number {
    const points = this.points;
    const bucket = hash >>> this.shift;
    let low = this.buckets[bucket]!;
    let high = this.buckets[bucket + 1]!;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (points[mid]! < hash) low = mid + 1;
      else high = mid;
    }
    return low === points.length ? 0 : low;
  }

  ownerAt(position: number): number {
    return this.owners[position]!;
  }
}

/**
 * Shorthand for `new KetamaRing(shards, options)`.
 * @example
 * ```ts
 * import { ketamaRing } from '@keel/core/sharding';
 * console.log(ketamaRing(['a', 'b'], { vnodes: 500 }).getShard(42));
 * ```
 * @category Sharding
 */
export function ketamaRing<S extends string>(
  shards: readonly (S | WeightedShard<S>)[],
  options?: KetamaRingOptions,
): KetamaRing<S> {
  return new KetamaRing(shards, options);
}
