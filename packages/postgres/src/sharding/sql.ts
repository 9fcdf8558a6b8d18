/** @internal Quotes an SQL identifier (schema, table, column). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** @internal Quotes a string literal for DDL, where parameters cannot be used (standard_conforming_strings). */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The minimum of `pg` this module needs: a pool that hands out clients. `pg.Pool` fits.
 * @category Sharding
 */
export interface PostgresShardPool {
  connect(): Promise<PostgresShardClient>;
}

/**
 * A checked-out connection: `pg.PoolClient` fits.
 * @category Sharding
 */
export interface PostgresShardClient {
  query<R = Record<string, unknown>>(
    text: string,
    values?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
  release(error?: Error | boolean): void;
}

/** @internal Runs `work` in a transaction on a fresh client, rolling back on error. */
export async function inTransaction<T>(
  pool: PostgresShardPool,
  work: (client: PostgresShardClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** @internal SQL condition "`column` lies in [start, end)" in byte (C collation) order, with parameters. */
export function inRange(column: string, startParam: string, endParam: string): string {
  return `(${column} COLLATE "C" >= ${startParam} COLLATE "C" AND (${endParam}::text IS NULL OR ${column} COLLATE "C" < ${endParam} COLLATE "C"))`;
}
