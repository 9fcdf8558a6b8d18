export type { RedisLeaseStoreOptions } from './redis-lease-store.js';
export { DEFAULT_REDIS_LEASE_STORE_OPTIONS, RedisLeaseStore } from './redis-lease-store.js';
