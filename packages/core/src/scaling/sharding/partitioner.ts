import { InvalidOptionError } from '../../errors/index.js';
import type { ShardKey } from './hash.js';

/**
 * Maps keys to shards. Every hash partitioner (ketama ring, jump hash, rendezvous, Maglev) and
 * the range map implement it, so placement strategies are interchangeable and can be compared
 * with the same tests and the same rebalancing planner.
 *
 * @example
 * ```ts
 * import { jumpHash, type Partitioner } from '@keel/core/sharding';
 * const partitioner: Partitioner = jumpHash(['a', 'b', 'c']);
 * console.log(partitioner.getShard('user:1'));
 * ```
 * @category Sharding
 */
export interface Partitioner<S extends string = string> {
  /** The shards keys are spread over, in a stable order. */
  readonly shards: readonly S[];
  /** The shard that owns `key`. Pure: the same key always gives the same shard. */
  getShard(key: ShardKey): S;
}

/**
 * A shard and its relative capacity, for weighted partitioners.
 * @category Sharding
 */
export interface WeightedShard<S extends string = string> {
  readonly id: S;
  /** Relative share of keys, > 0. @default 1 */
  readonly weight?: number;
}

/** @internal Normalises `shards` (ids or weighted entries), rejecting duplicates and bad weights. */
export function normaliseShards<S extends string>(
  field: string,
  shards: readonly (S | WeightedShard<S>)[],
): { ids: S[]; weights: number[] } {
  if (!Array.isArray(shards) || shards.length === 0) {
    throw new InvalidOptionError(field, shards, 'a non-empty array of shard ids');
  }
  const ids: S[] = [];
  const weights: number[] = [];
  const seen = new Set<string>();
  for (const [i, entry] of shards.entries()) {
    const id = typeof entry === 'string' ? entry : entry?.id;
    const weight = typeof entry === 'string' ? 1 : (entry?.weight ?? 1);
    if (typeof id !== 'string' || id.length === 0)
      throw new InvalidOptionError(`${field}[${i}]`, entry, 'a non-empty shard id');
    if (seen.has(id)) throw new InvalidOptionError(`${field}[${i}]`, id, 'a shard id not listed before');
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0)
      throw new InvalidOptionError(`${field}[${i}].weight`, weight, 'a finite number > 0');
    seen.add(id);
    ids.push(id as S);
    weights.push(weight);
  }
  return { ids, weights };
}
