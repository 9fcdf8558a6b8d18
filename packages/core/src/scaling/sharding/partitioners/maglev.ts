import { InvalidOptionError } from '../../../errors/index.js';
import { check, checkKnownKeys } from '../../../options/index.js';
import { hashKey, murmur3, type ShardKey } from '../hash.js';
import { normaliseShards, type Partitioner, type WeightedShard } from '../partitioner.js';
import type { PositionTable } from './hash-table.js';

/**
 * Options of {@link Maglev}.
 * @category Sharding
 */
export interface MaglevOptions {
  /**
   * Lookup table size; must be a prime. Larger tables balance better (the paper suggests more
   * than 100 × the number of shards) and cost more to build.
   * @default 65537 (Envoy's default)
   */
  readonly tableSize?: number;
}

/**
 * Defaults of {@link MaglevOptions}.
 * @example
 * ```ts
 * import { DEFAULT_MAGLEV_OPTIONS } from '@keel/core/sharding';
 * console.log(DEFAULT_MAGLEV_OPTIONS.tableSize); // 65537
 * ```
 * @category Sharding
 */
export const DEFAULT_MAGLEV_OPTIONS = { tableSize: 65_537 } as const satisfies Required<MaglevOptions>;

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

/**
 * Maglev hashing (Eisenbud et al., NSDI 2016): every shard fills slots of a prime-sized table
 * along its own permutation, taking turns, until the table is full; a key's shard is one table
 * read. Balance is near perfect; on a membership change most keys stay, though fewer than with a
 * ring. Weighted shards take turns in proportion to their weight.
 *
 * @example
 * ```ts
 * import { Maglev } from '@keel/core/sharding';
 * const maglev = new Maglev(['lb-1', 'lb-2', 'lb-3'], { tableSize: 1009 });
 * console.log(maglev.getShard('flow:10.0.0.1:443'));
 * ```
 * @category Sharding
 */
export class Maglev<S extends string = string> implements Partitioner<S>, PositionTable {
  readonly shards: readonly S[];
  readonly weights: readonly number[];
  private readonly table: Int32Array;

  constructor(shards: readonly (S | WeightedShard<S>)[], options: MaglevOptions = {}) {
    checkKnownKeys('options', options, Object.keys(DEFAULT_MAGLEV_OPTIONS));
    const size = check.integer('tableSize', options.tableSize, DEFAULT_MAGLEV_OPTIONS.tableSize, {
      min: 2,
      max: 5_000_011,
    });
    if (!isPrime(size)) throw new InvalidOptionError('tableSize', size, 'a prime number');
    const { ids, weights } = normaliseShards('shards', shards);
    this.shards = ids;
    this.weights = weights;
    this.table = Maglev.populate(ids, weights, size);
  }

  private static populate(ids: readonly string[], weights: readonly number[], size: number): Int32Array {
    const n = ids.length;
    const offset = new Float64Array(n);
    const skip = new Float64Array(n);
    const next = new Float64Array(n);
    const claimed = new Float64Array(n);
    const maxWeight = Math.max(...weights);
    for (let i = 0; i < n; i++) {
      offset[i] = murmur3(ids[i]!, 0x2f1c3a5b) % size;
      skip[i] = (murmur3(ids[i]!, 0x71b4d5e9) % (size - 1)) + 1;
    }
    const table = new Int32Array(size).fill(-1);
    let filled = 0;
    for (let round = 1; filled < size; round++) {
      for (let i = 0; i < n && filled < size; i++) {
        // A shard of weight w takes a turn whenever its quota round × w/max reaches a whole slot.
        if (claimed[i]! + 1 > (round * weights[i]!) / maxWeight + 1e-9) continue;
        let slot = (offset[i]! + next[i]! * skip[i]!) % size;
        while (table[slot]! >= 0) {
          next[i]!++;
          slot = (offset[i]! + next[i]! * skip[i]!) % size;
        }
        table[slot] = i;
        next[i]!++;
        claimed[i]!++;
        filled++;
      }
    }
    return table;
  }

  get positionCount(): number {
    return this.table.length;
  }

  getShard(key: ShardKey): S {
    return this.shards[this.table[hashKey(key) % this.table.length]!]!;
  }

  positionOf(hash: number): number {
    return hash % this.table.length;
  }

  ownerAt(position: number): number {
    return this.table[position]!;
  }
}

/**
 * Shorthand for `new Maglev(shards, options)`.
 * @example
 * ```ts
 * import { maglev } from '@keel/core/sharding';
 * console.log(maglev(['a', 'b']).getShard('k'));
 * ```
 * @category Sharding
 */
export function maglev<S extends string>(
  shards: readonly (S | WeightedShard<S>)[],
  options?: MaglevOptions,
): Maglev<S> {
  return new Maglev(shards, options);
}
