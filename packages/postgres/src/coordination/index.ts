export type { AdvisoryLockOptions, PostgresSession, PostgresSessionPool } from './postgres-advisory-lock.js';
export { DEFAULT_ADVISORY_LOCK_OPTIONS, withAdvisoryLock } from './postgres-advisory-lock.js';
export type { PostgresFencedTableOptions } from './postgres-fenced-table.js';
export { DEFAULT_POSTGRES_FENCED_TABLE_OPTIONS, PostgresFencedTable } from './postgres-fenced-table.js';
export type { PostgresLeaseStoreOptions } from './postgres-lease-store.js';
export { DEFAULT_POSTGRES_LEASE_STORE_OPTIONS, PostgresLeaseStore } from './postgres-lease-store.js';
export type { PostgresRegistryStoreOptions } from './postgres-registry-store.js';
export { DEFAULT_POSTGRES_REGISTRY_STORE_OPTIONS, PostgresRegistryStore } from './postgres-registry-store.js';
export type { PostgresParameterizedQueryable } from './queryable.js';
