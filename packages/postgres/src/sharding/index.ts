export {
  type AddShardOptions,
  addShard,
  DEFAULT_MOVE_RANGE_OPTIONS,
  type InstallShardsOptions,
  installShards,
  type MoveRangeOptions,
  type MoveReport,
  moveRange,
  splitRange,
} from './admin.js';
export { DEFAULT_SHARD_LAYOUT_OPTIONS, type ShardLayoutOptions } from './layout.js';
export {
  DEFAULT_POSTGRES_SHARD_ROUTER_OPTIONS,
  PostgresShardRouter,
  type PostgresShardRouterOptions,
  readShardMap,
  type ShardContext,
} from './router.js';
export type { PostgresShardClient, PostgresShardPool } from './sql.js';
