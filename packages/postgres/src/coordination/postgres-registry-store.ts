import { checkKnownKeys } from '@keel/core/options';
import type { RegistryStore, ServiceInstance } from '@keel/core/service-discovery';
import { type PostgresParameterizedQueryable, quoteTable } from './queryable.js';

/**
 * Options of {@link PostgresRegistryStore}.
 * @category Coordination
 */
export interface PostgresRegistryStoreOptions {
  /** The registry table (created by `ensureSchema`). @default 'keel_registry' */
  readonly table?: string;
}

/**
 * Defaults of {@link PostgresRegistryStoreOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_POSTGRES_REGISTRY_STORE_OPTIONS } from '@keel/postgres';
 * console.log(DEFAULT_POSTGRES_REGISTRY_STORE_OPTIONS.table); // 'keel_registry'
 * ```
 * @category Coordination
 */
export const DEFAULT_POSTGRES_REGISTRY_STORE_OPTIONS = Object.freeze({ table: 'keel_registry' });

interface InstanceRow {
  readonly instance: ServiceInstance;
}
interface RemovedRow {
  readonly live: string | number;
}

/**
 * A service-discovery store on PostgreSQL, for teams that already run it and want no other
 * engine for discovery: one row per instance with the time it expires, judged by the server's
 * clock (`clock_timestamp()`), so registrants' clocks never matter. Put, remove and list are one
 * statement each; listing also deletes the service's expired rows, so the table does not grow
 * with instances that died without deregistering.
 *
 * @example
 * ```ts
 * import { ServiceRegistry } from '@keel/core/service-discovery';
 * import { PostgresRegistryStore } from '@keel/postgres';
 * import pg from 'pg';
 * const pool = new pg.Pool();
 * const store = new PostgresRegistryStore(pool);
 * await store.ensureSchema();
 * const registry = new ServiceRegistry(store);
 * const registration = await registry.register({ service: 'api', id: 'api-1', address: '10.0.0.1', port: 80 });
 * await registration.deregister();
 * await pool.end();
 * ```
 * @category Coordination
 */
export class PostgresRegistryStore implements RegistryStore {
  private readonly table: string;
  private readonly sql: { readonly put: string; readonly remove: string; readonly list: string };

  constructor(
    private readonly db: PostgresParameterizedQueryable,
    options: PostgresRegistryStoreOptions = {},
  ) {
    checkKnownKeys('PostgresRegistryStore', options, ['table']);
    const t = quoteTable('table', options.table ?? DEFAULT_POSTGRES_REGISTRY_STORE_OPTIONS.table);
    this.table = t;
    this.sql = {
      put: `INSERT INTO ${t} (service, id, instance, expires_at)
VALUES ($1, $2, $3::jsonb, clock_timestamp() + $4::double precision * interval '1 millisecond')
ON CONFLICT (service, id) DO UPDATE SET instance = EXCLUDED.instance, expires_at = EXCLUDED.expires_at`,
      // Gone either way; it only counts as removed if it had not expired yet.
      remove: `WITH gone AS (DELETE FROM ${t} WHERE service = $1 AND id = $2 RETURNING expires_at)
SELECT count(*) FILTER (WHERE expires_at > clock_timestamp()) AS live FROM gone`,
      list: `WITH pruned AS (DELETE FROM ${t} WHERE service = $1 AND expires_at <= clock_timestamp())
SELECT instance FROM ${t} WHERE service = $1 AND expires_at > clock_timestamp() ORDER BY id`,
    };
  }

  /** Creates the registry table if it does not exist. */
  async ensureSchema(): Promise<void> {
    await this.db.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
  service text NOT NULL,
  id text NOT NULL,
  instance jsonb NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (service, id)
)`);
  }

  async put(instance: ServiceInstance, ttlMs: number): Promise<void> {
    await this.db.query(this.sql.put, [instance.service, instance.id, JSON.stringify(instance), ttlMs]);
  }

  async remove(service: string, id: string): Promise<boolean> {
    const { rows } = await this.db.query(this.sql.remove, [service, id]);
    return Number((rows[0] as RemovedRow | undefined)?.live ?? 0) > 0;
  }

  async list(service: string): Promise<ServiceInstance[]> {
    const { rows } = await this.db.query(this.sql.list, [service]);
    return (rows as InstanceRow[]).map((row) => row.instance);
  }
}
