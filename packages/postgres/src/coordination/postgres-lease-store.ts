import type { LeaseHolder, LeaseStore } from '@keel/core/distributed-lock';
import { checkKnownKeys } from '@keel/core/options';
import { type PostgresParameterizedQueryable, quoteTable } from './queryable.js';

/**
 * Options of {@link PostgresLeaseStore}.
 * @category Coordination
 */
export interface PostgresLeaseStoreOptions {
  /** The lease table (created by `ensureSchema`). @default 'keel_leases' */
  readonly table?: string;
}

/**
 * Defaults of {@link PostgresLeaseStoreOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_POSTGRES_LEASE_STORE_OPTIONS } from '@keel/postgres';
 * console.log(DEFAULT_POSTGRES_LEASE_STORE_OPTIONS.table); // 'keel_leases'
 * ```
 * @category Coordination
 */
export const DEFAULT_POSTGRES_LEASE_STORE_OPTIONS = Object.freeze({ table: 'keel_leases' });

interface FenceRow {
  readonly fence: string;
}
interface HolderRow {
  readonly owner: string;
  readonly fence: string;
}

/**
 * A lease store in a PostgreSQL table: one row per key with its owner, expiry and fencing
 * counter. Acquiring is a single `INSERT … ON CONFLICT DO UPDATE … WHERE` the lease is free or
 * expired, `RETURNING` the incremented fence; extension and release are owner-checked
 * `UPDATE`s. Every call is one statement (one round trip) and expiry is judged by the
 * server's `clock_timestamp()`, never by a client's clock.
 *
 * This is a correctness-grade lock as far as the database is (a synchronous-replication
 * failover keeps the row and its counter); still pass the token to the protected resource.
 *
 * @example
 * ```ts
 * import { LeaseLockProvider } from '@keel/core/distributed-lock';
 * import { PostgresLeaseStore } from '@keel/postgres';
 * import pg from 'pg';
 * const pool = new pg.Pool();
 * const store = new PostgresLeaseStore(pool);
 * await store.ensureSchema();
 * const locks = new LeaseLockProvider(store);
 * await locks.withLock('nightly-report', async (lock) => console.log(lock.token), { ttlMs: 30_000 });
 * await pool.end();
 * ```
 * @category Coordination
 */
export class PostgresLeaseStore implements LeaseStore {
  private readonly table: string;
  private readonly sql: {
    readonly acquire: string;
    readonly extend: string;
    readonly release: string;
    readonly holder: string;
  };

  constructor(
    private readonly db: PostgresParameterizedQueryable,
    options: PostgresLeaseStoreOptions = {},
  ) {
    checkKnownKeys('PostgresLeaseStore', options, ['table']);
    const t = quoteTable('table', options.table ?? DEFAULT_POSTGRES_LEASE_STORE_OPTIONS.table);
    this.table = t;
    const expiry = `clock_timestamp() + $3::double precision * interval '1 millisecond'`;
    this.sql = {
      acquire: `INSERT INTO ${t} AS l (key, owner, expires_at, fence) VALUES ($1, $2, ${expiry}, 1)
ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at, fence = l.fence + 1
WHERE l.owner IS NULL OR l.expires_at <= clock_timestamp()
RETURNING fence`,
      extend: `UPDATE ${t} SET expires_at = ${expiry}
WHERE key = $1 AND owner = $2 AND expires_at > clock_timestamp()`,
      release: `UPDATE ${t} SET owner = NULL
WHERE key = $1 AND owner = $2 AND expires_at > clock_timestamp()`,
      holder: `SELECT owner, fence FROM ${t}
WHERE key = $1 AND owner IS NOT NULL AND expires_at > clock_timestamp()`,
    };
  }

  /** Creates the lease table if it does not exist. Rows are kept after release: they carry the fence. */
  async ensureSchema(): Promise<void> {
    await this.db.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
  key text PRIMARY KEY,
  owner text,
  expires_at timestamptz NOT NULL,
  fence bigint NOT NULL
)`);
  }

  async tryAcquire(key: string, owner: string, ttlMs: number): Promise<bigint | undefined> {
    const { rows } = await this.db.query(this.sql.acquire, [key, owner, ttlMs]);
    const row = rows[0] as FenceRow | undefined;
    return row ? BigInt(row.fence) : undefined;
  }

  async extend(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return (
      ((await this.db.query(this.sql.extend, [key, owner, ttlMs])) as { rowCount?: number | null })
        .rowCount === 1
    );
  }

  async release(key: string, owner: string): Promise<boolean> {
    return (
      ((await this.db.query(this.sql.release, [key, owner])) as { rowCount?: number | null }).rowCount === 1
    );
  }

  async holder(key: string): Promise<LeaseHolder | undefined> {
    const { rows } = await this.db.query(this.sql.holder, [key]);
    const row = rows[0] as HolderRow | undefined;
    return row ? { owner: row.owner, token: BigInt(row.fence) } : undefined;
  }
}
