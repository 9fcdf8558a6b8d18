export type { RedisLeaseStoreOptions } from './redis-lease-store.js';
export { DEFAULT_REDIS_LEASE_STORE_OPTIONS, RedisLeaseStore } from './redis-lease-store.js';
export type { RedisRegistryStoreOptions } from './redis-registry-store.js';
export { DEFAULT_REDIS_REGISTRY_STORE_OPTIONS, RedisRegistryStore } from './redis-registry-store.js';
