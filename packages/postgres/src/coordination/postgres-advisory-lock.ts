import { LockNotAcquiredError } from '@keel/core/distributed-lock';
import { check, checkKnownKeys } from '@keel/core/options';
import { type PostgresParameterizedQueryable, quoteTable } from './queryable.js';

/**
 * A connection that can be given back to its pool: `pg`'s `PoolClient`.
 * @category Coordination
 */
export interface PostgresSession extends PostgresParameterizedQueryable {
  release(error?: Error | boolean): void;
}

/**
 * What {@link withAdvisoryLock} needs: a pool that hands out a dedicated session.
 * @category Coordination
 */
export interface PostgresSessionPool {
  connect(): Promise<PostgresSession>;
}

/**
 * Options of {@link withAdvisoryLock}.
 * @category Coordination
 */
export interface AdvisoryLockOptions {
  /** The sequence fencing tokens are drawn from (created if missing). @default 'keel_advisory_fence' */
  readonly fenceSequence?: string;
}

/**
 * Defaults of {@link AdvisoryLockOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_ADVISORY_LOCK_OPTIONS } from '@keel/postgres';
 * console.log(DEFAULT_ADVISORY_LOCK_OPTIONS.fenceSequence); // 'keel_advisory_fence'
 * ```
 * @category Coordination
 */
export const DEFAULT_ADVISORY_LOCK_OPTIONS = Object.freeze({ fenceSequence: 'keel_advisory_fence' });

/**
 * Runs `fn` under a PostgreSQL session-level advisory lock on `key` (hashed with
 * `hashtextextended`), with a fencing token drawn from a sequence in the same statement.
 *
 * The connection *is* the lease: the lock lasts exactly as long as the session, with no TTL to
 * tune, and the server frees it if the client dies. The caveats:
 * - it needs a dedicated session for its whole duration, so it does not work through
 *   PgBouncer's transaction pooling;
 * - session locks stack: the same session can take a key twice and must unlock it twice;
 * - a holder that stalls keeps the lock, so a network partition that leaves the session open
 *   blocks everyone else until TCP keepalives or `idle_session_timeout` end it.
 * When fairness across hosts or a TTL matters, prefer `PostgresLeaseStore`.
 *
 * @example
 * ```ts
 * import { withAdvisoryLock } from '@keel/postgres';
 * import pg from 'pg';
 * const pool = new pg.Pool();
 * await withAdvisoryLock(pool, 'migrations', async ({ token }) => console.log('running as', token));
 * await pool.end();
 * ```
 * @category Coordination
 */
export async function withAdvisoryLock<T>(
  pool: PostgresSessionPool,
  key: string,
  fn: (lock: { readonly token: bigint }) => T | PromiseLike<T>,
  options: AdvisoryLockOptions = {},
): Promise<T> {
  checkKnownKeys('options', options, ['fenceSequence']);
  check.string('key', key);
  const sequence = quoteTable(
    'options.fenceSequence',
    options.fenceSequence ?? DEFAULT_ADVISORY_LOCK_OPTIONS.fenceSequence,
  );
  const session = await pool.connect();
  let broken: Error | undefined;
  try {
    await session.query(`CREATE SEQUENCE IF NOT EXISTS ${sequence}`);
    const { rows } = await session.query(
      `SELECT CASE WHEN pg_try_advisory_lock(hashtextextended($1, 0)) THEN nextval('${sequence.replace(/'/g, "''")}') END AS token`,
      [key],
    );
    const token = (rows[0] as { token: string | null } | undefined)?.token;
    if (token == null) throw new LockNotAcquiredError(key, 1, 0);
    try {
      return await fn({ token: BigInt(token) });
    } finally {
      await session
        .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key])
        .catch((error: unknown) => {
          // A session that cannot unlock must not go back to the pool still holding the lock.
          broken = error instanceof Error ? error : new Error(String(error));
        });
    }
  } finally {
    session.release(broken ?? false);
  }
}
