import { StaleFencingTokenError } from '@keel/core/distributed-lock';
import { checkKnownKeys } from '@keel/core/options';
import { type PostgresParameterizedQueryable, quoteTable } from './queryable.js';

/**
 * Options of {@link PostgresFencedTable}.
 * @category Coordination
 */
export interface PostgresFencedTableOptions {
  /** The table (created by `ensureSchema`). @default 'keel_fenced' */
  readonly table?: string;
}

/**
 * Defaults of {@link PostgresFencedTableOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_POSTGRES_FENCED_TABLE_OPTIONS } from '@keel/postgres';
 * console.log(DEFAULT_POSTGRES_FENCED_TABLE_OPTIONS.table); // 'keel_fenced'
 * ```
 * @category Coordination
 */
export const DEFAULT_POSTGRES_FENCED_TABLE_OPTIONS = Object.freeze({ table: 'keel_fenced' });

/**
 * The fencing rule enforced by the database: each row remembers the token of the write that
 * stored it, and a write succeeds only if `fence <= $token` — in the same statement, so a
 * holder whose lock lapsed cannot overwrite its successor's work however late it arrives.
 * Values are stored as `jsonb`. Use the same conditional-update shape on your own tables.
 *
 * @example
 * ```ts
 * import { PostgresFencedTable } from '@keel/postgres';
 * import pg from 'pg';
 * const pool = new pg.Pool();
 * const table = new PostgresFencedTable<{ total: number }>(pool);
 * await table.ensureSchema();
 * await table.write('invoice:42', 7n, { total: 100 });
 * await pool.end();
 * ```
 * @category Coordination
 */
export class PostgresFencedTable<T> {
  private readonly table: string;

  constructor(
    private readonly db: PostgresParameterizedQueryable,
    options: PostgresFencedTableOptions = {},
  ) {
    checkKnownKeys('PostgresFencedTable', options, ['table']);
    this.table = quoteTable('table', options.table ?? DEFAULT_POSTGRES_FENCED_TABLE_OPTIONS.table);
  }

  /** Creates the table if it does not exist. */
  async ensureSchema(): Promise<void> {
    await this.db.query(
      `CREATE TABLE IF NOT EXISTS ${this.table} (key text PRIMARY KEY, value jsonb NOT NULL, fence bigint NOT NULL)`,
    );
  }

  /** Stores `value` unless a newer token has written `key`; throws `StaleFencingTokenError` then. */
  async write(key: string, token: bigint, value: T): Promise<void> {
    const { rows } = await this.db.query(
      `INSERT INTO ${this.table} AS f (key, value, fence) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, fence = EXCLUDED.fence
WHERE f.fence <= EXCLUDED.fence
RETURNING fence`,
      [key, JSON.stringify(value), token.toString()],
    );
    if (rows.length === 0) throw new StaleFencingTokenError(key, token, await this.highestToken(key));
  }

  /** The current value and the token that wrote it. */
  async read(key: string): Promise<{ readonly value: T; readonly token: bigint } | undefined> {
    const { rows } = await this.db.query(`SELECT value, fence FROM ${this.table} WHERE key = $1`, [key]);
    const row = rows[0] as { value: T; fence: string } | undefined;
    return row ? { value: row.value, token: BigInt(row.fence) } : undefined;
  }

  /** The highest token that has written `key` (0n when none has). */
  async highestToken(key: string): Promise<bigint> {
    return (await this.read(key))?.token ?? 0n;
  }
}
