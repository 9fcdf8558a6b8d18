export { isShardMapChangeError, isWrongShardError, ShardMapChangeError, WrongShardError } from './errors.js';
export { fmix32, hashKey, hashNumber, murmur3, type ShardKey } from './hash.js';
export type { Partitioner, WeightedShard } from './partitioner.js';
export {
  BoundedLoad,
  type BoundedLoadOptions,
  boundedLoad,
  DEFAULT_BOUNDED_LOAD_OPTIONS,
} from './partitioners/bounded-load.js';
export type { PositionTable } from './partitioners/hash-table.js';
export { JumpHash, jumpBucket, jumpHash } from './partitioners/jump-hash.js';
export {
  DEFAULT_KETAMA_RING_OPTIONS,
  KetamaRing,
  type KetamaRingOptions,
  ketamaRing,
} from './partitioners/ketama-ring.js';
export { DEFAULT_MAGLEV_OPTIONS, Maglev, type MaglevOptions, maglev } from './partitioners/maglev.js';
export { Rendezvous, rendezvous } from './partitioners/rendezvous.js';
export {
  checkRoute,
  compareKeys,
  RangeShardMap,
  type RangeShardMapJson,
  type ShardRange,
  type VersionedPartitioner,
} from './range-map.js';
export {
  type KeyMove,
  movedFraction,
  planKeyMoves,
  planRangeMoves,
  type RangeMove,
} from './rebalance.js';
export {
  DEFAULT_SHARD_ROUTER_OPTIONS,
  ShardMapAuthority,
  type ShardMapPublished,
  type ShardMapRefreshed,
  type ShardRoute,
  ShardRouter,
  type ShardRouterOptions,
} from './shard-router.js';
