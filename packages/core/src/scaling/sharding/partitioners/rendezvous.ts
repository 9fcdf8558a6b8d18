import { fmix32, hashKey, murmur3, type ShardKey } from '../hash.js';
import { normaliseShards, type Partitioner, type WeightedShard } from '../partitioner.js';

/**
 * Rendezvous or highest-random-weight hashing (Thaler & Ravishankar, 1998): every shard scores
 * the key and the highest score wins. Removing a shard moves only its own keys; adding one takes
 * only the keys it now wins. Weighted scores use `-weight / ln(u)` for a uniform draw u in (0, 1)
 * (the logarithmic method, Schindelhauer & Schomaker), which gives each shard a share of keys
 * proportional to its weight. O(n) per lookup with no memory beyond the shard list.
 *
 * @example
 * ```ts
 * import { Rendezvous } from '@keel/core/sharding';
 * const hrw = new Rendezvous([{ id: 'big', weight: 3 }, { id: 'small', weight: 1 }]);
 * console.log(hrw.getShard('tenant:7'));
 * ```
 * @category Sharding
 */
export class Rendezvous<S extends string = string> implements Partitioner<S> {
  readonly shards: readonly S[];
  readonly weights: readonly number[];
  private readonly seeds: Uint32Array;
  private readonly weighted: boolean;

  constructor(shards: readonly (S | WeightedShard<S>)[]) {
    const { ids, weights } = normaliseShards('shards', shards);
    this.shards = ids;
    this.weights = weights;
    this.seeds = Uint32Array.from(ids, (id) => murmur3(id, 0x5bd1e995));
    this.weighted = weights.some((w) => w !== weights[0]);
  }

  getShard(key: ShardKey): S {
    return this.shards[this.indexOf(hashKey(key))]!;
  }

  /** The index of the winning shard for a key hash. */
  indexOf(hash: number): number {
    const seeds = this.seeds;
    let best = 0;
    if (!this.weighted) {
      let bestScore = -1;
      for (let i = 0; i < seeds.length; i++) {
        const score = fmix32(hash ^ seeds[i]!);
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      }
      return best;
    }
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < seeds.length; i++) {
      const draw = (fmix32(hash ^ seeds[i]!) + 0.5) / 4294967296;
      const score = -this.weights[i]! / Math.log(draw);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }
}

/**
 * Shorthand for `new Rendezvous(shards)`.
 * @example
 * ```ts
 * import { rendezvous } from '@keel/core/sharding';
 * console.log(rendezvous(['a', 'b', 'c']).getShard('k'));
 * ```
 * @category Sharding
 */
export function rendezvous<S extends string>(shards: readonly (S | WeightedShard<S>)[]): Rendezvous<S> {
  return new Rendezvous(shards);
}
