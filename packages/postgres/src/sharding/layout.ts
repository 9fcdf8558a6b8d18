import { InvalidOptionError } from '@keel/core/errors';
import { check, checkKnownKeys } from '@keel/core/options';
import { ident } from './sql.js';

/**
 * Where a sharded table lives: a control schema holding the shard map, and one schema per shard
 * (the shard id is the schema name), each holding the table, its ownership fence and, during a
 * move, a change log.
 * @category Sharding
 */
export interface ShardLayoutOptions {
  /** Schema of the shard map. */
  readonly controlSchema: string;
  /** Name of the sharded table, the same in every shard schema. */
  readonly table: string;
  /**
   * The shard key column: text, the table's primary key (or unique). Ranges follow its byte
   * order (`COLLATE "C"`).
   * @default 'key'
   */
  readonly keyColumn?: string;
}

/**
 * Defaults of {@link ShardLayoutOptions}.
 * @example
 * ```ts
 * import { DEFAULT_SHARD_LAYOUT_OPTIONS } from '@keel/postgres';
 * console.log(DEFAULT_SHARD_LAYOUT_OPTIONS.keyColumn); // 'key'
 * ```
 * @category Sharding
 */
export const DEFAULT_SHARD_LAYOUT_OPTIONS = { keyColumn: 'key' } as const;

/** @internal Validated layout with quoted names ready for SQL. */
export interface ShardLayout {
  readonly controlSchema: string;
  readonly table: string;
  readonly keyColumn: string;
  /** `"control"."keel_shard_map"` */
  readonly mapTable: string;
  readonly key: string;
  /** The quoted table in `shard`. */
  tableIn(shard: string): string;
  /** The quoted ownership fence in `shard`. */
  fenceIn(shard: string): string;
  /** The quoted change log in `shard`. */
  changesIn(shard: string): string;
  /** The quoted capture function in `shard`. */
  captureIn(shard: string): string;
  /** The quoted capture trigger name. */
  readonly trigger: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

function name(field: string, value: unknown, fallback?: string): string {
  const v = check.string(field, value, fallback);
  if (!NAME.test(v))
    throw new InvalidOptionError(
      field,
      v,
      'an SQL name: a letter or _, then letters, digits, _ or $ (63 at most)',
    );
  return v;
}

/** @internal Validates layout options. */
export function shardLayout(options: ShardLayoutOptions, known: readonly string[] = []): ShardLayout {
  check.object('options', options);
  checkKnownKeys('options', options, ['controlSchema', 'table', 'keyColumn', ...known]);
  const controlSchema = name('controlSchema', options.controlSchema);
  const table = name('table', options.table);
  const keyColumn = name('keyColumn', options.keyColumn, DEFAULT_SHARD_LAYOUT_OPTIONS.keyColumn);
  return {
    controlSchema,
    table,
    keyColumn,
    mapTable: `${ident(controlSchema)}.keel_shard_map`,
    key: ident(keyColumn),
    tableIn: (shard) => `${ident(shard)}.${ident(table)}`,
    fenceIn: (shard) => `${ident(shard)}.${ident(`keel_fence_${table}`)}`,
    changesIn: (shard) => `${ident(shard)}.${ident(`keel_changes_${table}`)}`,
    captureIn: (shard) => `${ident(shard)}.${ident(`keel_capture_${table}`)}`,
    trigger: ident(`keel_capture_${table}`),
  };
}

/** @internal Validates a shard id used as a schema name. */
export function shardName(field: string, value: unknown): string {
  return name(field, value);
}
