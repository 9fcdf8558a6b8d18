import { check, checkKnownKeys } from '../../../options/index.js';
import { hashKey, type ShardKey } from '../hash.js';
import type { Partitioner } from '../partitioner.js';
import type { PositionTable } from './hash-table.js';

/**
 * Options of {@link BoundedLoad}.
 * @category Sharding
 */
export interface BoundedLoadOptions {
  /**
   * Allowed excess over the average load: no shard holds more than
   * `ceil((1 + epsilon) × (total + 1) × weight / totalWeight)` keys. Smaller values balance
   * tighter and move more keys when loads change. HAProxy's `hash-balance-factor 125` is
   * `epsilon: 0.25`.
   * @default 0.25
   */
  readonly epsilon?: number;
}

/**
 * Defaults of {@link BoundedLoadOptions}.
 * @example
 * ```ts
 * import { DEFAULT_BOUNDED_LOAD_OPTIONS } from '@keel/core/sharding';
 * console.log(DEFAULT_BOUNDED_LOAD_OPTIONS.epsilon); // 0.25
 * ```
 * @category Sharding
 */
export const DEFAULT_BOUNDED_LOAD_OPTIONS = { epsilon: 0.25 } as const satisfies Required<BoundedLoadOptions>;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam, 2018,
 * arXiv:1608.01350) over a ketama ring or a Maglev table: a key goes to its usual shard unless
 * that shard is already at its capacity, in which case it walks on to the next shard with room.
 * The capacity is `(1 + epsilon)` times the average, so the most loaded shard never exceeds it.
 *
 * Placement depends on the live loads, so it is not pure: call {@link BoundedLoad.acquire} when a
 * key starts using a shard (a request, a session) and {@link BoundedLoad.release} when it stops.
 * `getShard` tells where a key would go now without counting it.
 *
 * @example
 * ```ts
 * import { BoundedLoad, KetamaRing } from '@keel/core/sharding';
 * const bounded = new BoundedLoad(new KetamaRing(['a', 'b', 'c']), { epsilon: 0.1 });
 * const shard = bounded.acquire('hot-key');
 * // ... serve the request on `shard` ...
 * bounded.release(shard);
 * ```
 * @category Sharding
 */
export class BoundedLoad<S extends string = string> implements Partitioner<S> {
  readonly shards: readonly S[];
  /** The allowed excess over the average load. */
  readonly epsilon: number;
  private readonly loads: Float64Array;
  private readonly share: Float64Array;
  private readonly index = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly table: PositionTable & {
      readonly shards: readonly S[];
      readonly weights: readonly number[];
    },
    options: BoundedLoadOptions = {},
  ) {
    checkKnownKeys('options', options, Object.keys(DEFAULT_BOUNDED_LOAD_OPTIONS));
    this.epsilon = check.number('epsilon', options.epsilon, DEFAULT_BOUNDED_LOAD_OPTIONS.epsilon, {
      above: 0,
    });
    this.shards = table.shards;
    this.loads = new Float64Array(this.shards.length);
    const totalWeight = table.weights.reduce((a, b) => a + b, 0);
    this.share = Float64Array.from(table.weights, (w) => w / totalWeight);
    for (const [i, id] of this.shards.entries()) this.index.set(id, i);
  }

  /** Current load of every shard, aligned with `shards`. */
  get currentLoads(): readonly number[] {
    return Array.from(this.loads);
  }

  /** Sum of the current loads. */
  get totalLoad(): number {
    return this.total;
  }

  /** The most a shard may hold once one more key is added. */
  capacityOf(shard: S): number {
    const i = this.index.get(shard);
    if (i === undefined) throw new RangeError(`unknown shard ${shard}`);
    return this.capacity(i);
  }

  private capacity(i: number): number {
    return Math.ceil((1 + this.epsilon) * (this.total + 1) * this.share[i]!);
  }

  /** Where `key` would be placed now, without counting it. */
  getShard(key: ShardKey): S {
    return this.shards[this.place(hashKey(key))]!;
  }

  /** Places `key` and counts it against its shard's load until {@link BoundedLoad.release}. */
  acquire(key: ShardKey): S {
    const i = this.place(hashKey(key));
    this.loads[i]!++;
    this.total++;
    return this.shards[i]!;
  }

  /** Gives back one unit of load taken by {@link BoundedLoad.acquire} on `shard`. */
  release(shard: S): void {
    const i = this.index.get(shard);
    if (i === undefined || this.loads[i]! <= 0) return;
    this.loads[i]!--;
    this.total--;
  }

  private place(hash: number): number {
    const table = this.table;
    const size = table.positionCount;
    let position = table.positionOf(hash);
    // Capacities sum to more than the total, so some shard always has room and the walk ends.
    for (let step = 0; step < size; step++) {
      const owner = table.ownerAt(position);
      if (this.loads[owner]! < this.capacity(owner)) return owner;
      position = position + 1 === size ? 0 : position + 1;
    }
    return table.ownerAt(table.positionOf(hash));
  }
}

/**
 * Shorthand for `new BoundedLoad(table, options)`.
 * @example
 * ```ts
 * import { boundedLoad, maglev } from '@keel/core/sharding';
 * const placement = boundedLoad(maglev(['a', 'b']), { epsilon: 0.25 });
 * console.log(placement.acquire('k'));
 * ```
 * @category Sharding
 */
export function boundedLoad<S extends string>(
  table: PositionTable & { readonly shards: readonly S[]; readonly weights: readonly number[] },
  options?: BoundedLoadOptions,
): BoundedLoad<S> {
  return new BoundedLoad(table, options);
}
