import { fmix32, hashKey, type ShardKey } from '../hash.js';
import { normaliseShards, type Partitioner } from '../partitioner.js';

/**
 * Jump consistent hash (Lamping & Veach, 2014, arXiv:1406.2294): the bucket of a 32-bit key
 * among `buckets` numbered 0..buckets-1, with no memory and O(ln n) steps. Growing from n to n+1
 * buckets moves exactly the keys that land on the new bucket, about 1/(n+1) of them.
 *
 * The paper drives its jumps with a 64-bit linear congruential generator; this version draws
 * them from a 32-bit Weyl sequence passed through the MurmurHash3 finaliser, which keeps every
 * property of the algorithm while staying in 32-bit integer arithmetic (no BigInt).
 *
 * @example
 * ```ts
 * import { jumpBucket } from '@keel/core/sharding';
 * console.log(jumpBucket(123456789, 10)); // a number in 0..9
 * ```
 * @category Sharding
 */
export function jumpBucket(hash: number, buckets: number): number {
  let state = hash | 0;
  let bucket = -1;
  let next = 0;
  while (next < buckets) {
    bucket = next;
    state = (state + 0x9e3779b9) | 0;
    // A uniform draw r in (0, 1]; the next candidate bucket is floor((bucket + 1) / r).
    const draw = (fmix32(state) >>> 1) + 1;
    next = Math.floor((bucket + 1) * (2147483648 / draw));
  }
  return bucket;
}

/**
 * A {@link Partitioner} over jump consistent hash. Shards are numbered by their position in the
 * list: only appending or removing the last shard keeps movement minimal, so it fits numbered
 * replicas or storage buckets better than named, individually failing nodes. No weights.
 *
 * @example
 * ```ts
 * import { JumpHash } from '@keel/core/sharding';
 * const before = new JumpHash(['s0', 's1', 's2']);
 * const after = new JumpHash(['s0', 's1', 's2', 's3']);
 * const key = 'order:1';
 * const moved = before.getShard(key) !== after.getShard(key);
 * console.log(!moved || after.getShard(key) === 's3'); // true: keys only move to the new shard
 * ```
 * @category Sharding
 */
export class JumpHash<S extends string = string> implements Partitioner<S> {
  readonly shards: readonly S[];

  constructor(shards: readonly S[]) {
    this.shards = normaliseShards('shards', shards).ids;
  }

  getShard(key: ShardKey): S {
    return this.shards[jumpBucket(hashKey(key), this.shards.length)]!;
  }
}

/**
 * Shorthand for `new JumpHash(shards)`.
 * @example
 * ```ts
 * import { jumpHash } from '@keel/core/sharding';
 * console.log(jumpHash(['a', 'b']).getShard('k'));
 * ```
 * @category Sharding
 */
export function jumpHash<S extends string>(shards: readonly S[]): JumpHash<S> {
  return new JumpHash(shards);
}
