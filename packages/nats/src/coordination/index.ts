export type { NatsLeaseStoreOptions } from './nats-lease-store.js';
export { DEFAULT_NATS_LEASE_STORE_OPTIONS, NatsLeaseStore } from './nats-lease-store.js';
