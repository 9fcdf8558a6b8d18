import { ShardMapChangeError, WrongShardError } from './errors.js';
import type { ShardKey } from './hash.js';
import type { Partitioner } from './partitioner.js';

/**
 * Orders keys by Unicode code point, which is also the byte order of their UTF-8 encoding (and of
 * PostgreSQL's `COLLATE "C"` on a UTF-8 database), unlike JavaScript's `<` on UTF-16 code units.
 * @example
 * ```ts
 * import { compareKeys } from '@keel/core/sharding';
 * console.log(compareKeys('a', 'b') < 0, compareKeys('\uFFFF', '\u{10000}') < 0); // true true
 * ```
 * @category Sharding
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates stand for code points above U+FFFF: lift them above U+E000..U+FFFF.
    if (x >= 0xd800) x += x <= 0xdfff ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y <= 0xdfff ? 0x2000 : -0x800;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * One contiguous range of keys `[start, end)` and its owner.
 * @category Sharding
 */
export interface ShardRange<S extends string = string> {
  /** First key of the range (inclusive); the first range starts at `''`. */
  readonly start: string;
  /** First key after the range (exclusive); `undefined` for the last range. */
  readonly end: string | undefined;
  /** The shard that owns the range. */
  readonly shard: S;
  /** The epoch at which `shard` became the owner; routers older than this are refused. */
  readonly since: number;
}

/**
 * The stored form of a {@link RangeShardMap}.
 * @category Sharding
 */
export interface RangeShardMapJson<S extends string = string> {
  readonly epoch: number;
  readonly ranges: readonly { readonly start: string; readonly shard: S; readonly since: number }[];
}

/**
 * A shard map that cannot be changed in place: anything with an epoch that only grows.
 * @category Sharding
 */
export interface VersionedPartitioner<S extends string = string> extends Partitioner<S> {
  /** Version of the map; every change makes a map with a larger epoch. */
  readonly epoch: number;
}

/**
 * Range sharding: the key space, ordered by {@link compareKeys}, is cut at split points into
 * ranges, each owned by a shard. Range scans stay on few shards and hot ranges can be split.
 *
 * Maps are immutable and versioned: `split`, `merge` and `reassign` return a new map with the
 * next epoch. Each range remembers the epoch at which its owner was assigned (`since`), so a
 * shard can refuse a router whose map predates the last move of the key's range
 * ({@link checkRoute}), while a split or merge that moves nothing leaves older routers valid.
 *
 * @example
 * ```ts
 * import { RangeShardMap } from '@keel/core/sharding';
 * let map = RangeShardMap.fromSplits(['m'], ['s0', 's1']); // [''..'m') → s0, ['m'..) → s1
 * map = map.split('t').reassign('t', 's2'); // ['t'..) moves to s2
 * console.log(map.epoch, map.getShard('zebra')); // 3 's2'
 * ```
 * @category Sharding
 */
export class RangeShardMap<S extends string = string> implements VersionedPartitioner<S> {
  /** Distinct owners, in key order of their first range. */
  readonly shards: readonly S[];

  private constructor(
    readonly epoch: number,
    private readonly starts: readonly string[],
    private readonly owners: readonly S[],
    private readonly sinces: readonly number[],
  ) {
    this.shards = [...new Set(owners)];
  }

  /** A map in which `shard` owns every key. */
  static single<S extends string = string>(shard: NoInfer<S>, epoch = 1): RangeShardMap<S> {
    return RangeShardMap.fromSplits([], [shard], epoch);
  }

  /**
   * A map cut at `splits` (increasing): range i, `[splits[i-1], splits[i])`, goes to `shards[i]`,
   * so there is one more shard than split points.
   */
  static fromSplits<S extends string = string>(
    splits: readonly string[],
    shards: readonly NoInfer<S>[],
    epoch = 1,
  ): RangeShardMap<S> {
    if (shards.length !== splits.length + 1)
      throw new ShardMapChangeError(
        'create',
        `${splits.length} split points need ${splits.length + 1} shards`,
      );
    return RangeShardMap.build(
      epoch,
      ['', ...splits],
      shards,
      shards.map(() => epoch),
    );
  }

  /** Restores a map saved with {@link RangeShardMap.toJSON}. */
  static fromJSON<S extends string = string>(json: RangeShardMapJson<S>): RangeShardMap<S> {
    return RangeShardMap.build(
      json.epoch,
      json.ranges.map((r) => r.start),
      json.ranges.map((r) => r.shard),
      json.ranges.map((r) => r.since),
    );
  }

  private static build<S extends string>(
    epoch: number,
    starts: readonly string[],
    owners: readonly S[],
    sinces: readonly number[],
  ): RangeShardMap<S> {
    if (!Number.isSafeInteger(epoch) || epoch < 0)
      throw new ShardMapChangeError('create', `epoch must be a non-negative integer, got ${epoch}`);
    if (starts[0] !== '') throw new ShardMapChangeError('create', 'the first range must start at ""');
    for (let i = 1; i < starts.length; i++) {
      if (compareKeys(starts[i - 1]!, starts[i]!) >= 0)
        throw new ShardMapChangeError('create', 'split points must be strictly increasing');
    }
    for (const [i, owner] of owners.entries()) {
      if (typeof owner !== 'string' || owner.length === 0)
        throw new ShardMapChangeError('create', `range ${i} has no owner`);
      if (!(sinces[i]! <= epoch))
        throw new ShardMapChangeError('create', `range ${i} is owned since a future epoch`);
    }
    return new RangeShardMap(epoch, starts, owners, sinces);
  }

  /** Every range in key order. */
  get ranges(): readonly ShardRange<S>[] {
    return this.starts.map((_, i) => this.rangeAt(i));
  }

  private rangeAt(i: number): ShardRange<S> {
    return {
      start: this.starts[i]!,
      end: this.starts[i + 1],
      shard: this.owners[i]!,
      since: this.sinces[i]!,
    };
  }

  private indexOf(key: string): number {
    // The last range whose start is <= key.
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (compareKeys(starts[mid]!, key) <= 0) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /**
   * The owner of `key`. Numbers are placed by their decimal text: zero-pad them (or use strings)
   * when ranges should follow numeric order.
   */
  getShard(key: ShardKey): S {
    return this.owners[this.indexOf(typeof key === 'string' ? key : String(key))]!;
  }

  /** The range holding `key`. */
  rangeOf(key: ShardKey): ShardRange<S> {
    return this.rangeAt(this.indexOf(typeof key === 'string' ? key : String(key)));
  }

  /** Cuts the range holding `at` so that a new range starts at `at`; both halves keep the owner. */
  split(at: string): RangeShardMap<S> {
    const i = this.indexOf(at);
    if (this.starts[i] === at)
      throw new ShardMapChangeError('split', `a range already starts at ${JSON.stringify(at)}`);
    const starts = [...this.starts];
    const owners = [...this.owners];
    const sinces = [...this.sinces];
    starts.splice(i + 1, 0, at);
    owners.splice(i + 1, 0, owners[i]!);
    sinces.splice(i + 1, 0, sinces[i]!);
    return new RangeShardMap(this.epoch + 1, starts, owners, sinces);
  }

  /** Joins the range starting at `start` with the range before it; both must have one owner. */
  merge(start: string): RangeShardMap<S> {
    const i = this.starts.indexOf(start);
    if (i <= 0)
      throw new ShardMapChangeError('merge', `no range after the first starts at ${JSON.stringify(start)}`);
    if (this.owners[i] !== this.owners[i - 1])
      throw new ShardMapChangeError(
        'merge',
        `the ranges are owned by ${this.owners[i - 1]} and ${this.owners[i]}; move one first`,
      );
    const starts = this.starts.filter((_, j) => j !== i);
    const owners = this.owners.filter((_, j) => j !== i);
    const sinces = this.sinces.filter((_, j) => j !== i);
    sinces[i - 1] = Math.max(this.sinces[i - 1]!, this.sinces[i]!);
    return new RangeShardMap(this.epoch + 1, starts, owners, sinces);
  }

  /** Gives the range starting at `start` to shard `to`. */
  reassign(start: string, to: S): RangeShardMap<S> {
    const i = this.starts.indexOf(start);
    if (i < 0)
      throw new ShardMapChangeError('reassign', `no range starts at ${JSON.stringify(start)}; split first`);
    if (typeof to !== 'string' || to.length === 0)
      throw new ShardMapChangeError('reassign', 'the new owner is empty');
    const owners = [...this.owners];
    const sinces = [...this.sinces];
    owners[i] = to;
    sinces[i] = this.epoch + 1;
    return new RangeShardMap(this.epoch + 1, this.starts, owners, sinces);
  }

  /** The stored form; see {@link RangeShardMap.fromJSON}. */
  toJSON(): RangeShardMapJson<S> {
    return {
      epoch: this.epoch,
      ranges: this.starts.map((start, i) => ({ start, shard: this.owners[i]!, since: this.sinces[i]! })),
    };
  }
}

/**
 * The check a shard runs before serving a request: throws {@link WrongShardError} when `key` is
 * not owned by `shard` in the current map, or when its range changed owner after `routedEpoch`.
 * @example
 * ```ts
 * import { checkRoute, RangeShardMap } from '@keel/core/sharding';
 * const current = RangeShardMap.single('s0').split('m').reassign('m', 's1');
 * checkRoute(current, 'apple', 's0', 1); // fine: apple never moved
 * ```
 * @category Sharding
 */
export function checkRoute<S extends string>(
  current: RangeShardMap<S>,
  key: ShardKey,
  shard: S,
  routedEpoch: number,
): void {
  const range = current.rangeOf(key);
  if (range.shard !== shard || range.since > routedEpoch)
    throw new WrongShardError(String(key), shard, routedEpoch, current.epoch);
}
