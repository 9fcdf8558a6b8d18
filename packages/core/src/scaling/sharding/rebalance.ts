import type { ShardKey } from './hash.js';
import type { Partitioner } from './partitioner.js';
import { compareKeys, type RangeShardMap } from './range-map.js';

/**
 * One key that changes shard between two configurations.
 * @category Sharding
 */
export interface KeyMove<S extends string = string> {
  readonly key: ShardKey;
  readonly from: S;
  readonly to: S;
}

/**
 * One range of keys `[start, end)` that changes shard between two range maps.
 * @category Sharding
 */
export interface RangeMove<S extends string = string> {
  readonly start: string;
  /** Exclusive; `undefined` means to the end of the key space. */
  readonly end: string | undefined;
  readonly from: S;
  readonly to: S;
}

/**
 * Lists exactly the keys of `keys` whose shard differs between `before` and `after`, with their
 * old and new shard: the copy list for a resize or a change of partitioner.
 * @example
 * ```ts
 * import { jumpHash, planKeyMoves } from '@keel/core/sharding';
 * const moves = planKeyMoves(['a', 'b', 'c', 'd'], jumpHash(['s0', 's1']), jumpHash(['s0', 's1', 's2']));
 * console.log(moves.every((m) => m.to === 's2')); // true
 * ```
 * @category Sharding
 */
export function planKeyMoves<S extends string>(
  keys: Iterable<ShardKey>,
  before: Partitioner<S>,
  after: Partitioner<S>,
): KeyMove<S>[] {
  const moves: KeyMove<S>[] = [];
  for (const key of keys) {
    const from = before.getShard(key);
    const to = after.getShard(key);
    if (from !== to) moves.push({ key, from, to });
  }
  return moves;
}

/**
 * The fraction of `keys` that change shard between `before` and `after` (0 when `keys` is empty).
 * @example
 * ```ts
 * import { KetamaRing, movedFraction } from '@keel/core/sharding';
 * const keys = Array.from({ length: 1000 }, (_, i) => i);
 * console.log(movedFraction(keys, new KetamaRing(['a', 'b']), new KetamaRing(['a', 'b', 'c'])));
 * ```
 * @category Sharding
 */
export function movedFraction<S extends string>(
  keys: Iterable<ShardKey>,
  before: Partitioner<S>,
  after: Partitioner<S>,
): number {
  let total = 0;
  let moved = 0;
  for (const key of keys) {
    total++;
    if (before.getShard(key) !== after.getShard(key)) moved++;
  }
  return total === 0 ? 0 : moved / total;
}

/**
 * Lists the ranges whose owner differs between two range maps, merged where adjacent pieces move
 * between the same two shards. Splits and merges that move nothing produce no entries.
 * @example
 * ```ts
 * import { planRangeMoves, RangeShardMap } from '@keel/core/sharding';
 * const before = RangeShardMap.fromSplits(['m'], ['s0', 's1']);
 * const after = before.split('t').reassign('t', 's2');
 * console.log(planRangeMoves(before, after)); // [{ start: 't', end: undefined, from: 's1', to: 's2' }]
 * ```
 * @category Sharding
 */
export function planRangeMoves<S extends string>(
  before: RangeShardMap<S>,
  after: RangeShardMap<S>,
): RangeMove<S>[] {
  // Every boundary of either map starts a piece whose owner is constant in both.
  const starts = [...new Set([...before.ranges, ...after.ranges].map((r) => r.start))].sort(compareKeys);
  const moves: RangeMove<S>[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const end = starts[i + 1];
    const from = before.getShard(start);
    const to = after.getShard(start);
    if (from === to) continue;
    const last = moves[moves.length - 1];
    if (last && last.end === start && last.from === from && last.to === to) {
      moves[moves.length - 1] = { ...last, end };
    } else {
      moves.push({ start, end, from, to });
    }
  }
  return moves;
}
