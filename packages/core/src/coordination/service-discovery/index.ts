export type { RegistryContractSubject } from './contract.js';
export { registryContract } from './contract.js';
export { isRegistrationLapsedError, RegistrationLapsedError } from './errors.js';
export { type FeedEndpointsOptions, feedEndpoints, metadataWeight } from './feed-endpoints.js';
export type { InMemoryRegistryStoreOptions } from './in-memory-registry-store.js';
export { InMemoryRegistryStore } from './in-memory-registry-store.js';
export type { InstanceStatus, RegistryStore, ServiceInstance } from './registry-store.js';
export type {
  RegisterOptions,
  Registration,
  RegistrationEvent,
  ServiceRegistryOptions,
  ServiceSnapshot,
  WatchOptions,
} from './service-registry.js';
export { DEFAULT_SERVICE_REGISTRY_OPTIONS, ServiceRegistry } from './service-registry.js';
