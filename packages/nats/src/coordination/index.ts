export type { NatsLeaseStoreOptions } from './nats-lease-store.js';
export { DEFAULT_NATS_LEASE_STORE_OPTIONS, NatsLeaseStore } from './nats-lease-store.js';
export type { NatsRegistryStoreOptions } from './nats-registry-store.js';
export { DEFAULT_NATS_REGISTRY_STORE_OPTIONS, NatsRegistryStore } from './nats-registry-store.js';
