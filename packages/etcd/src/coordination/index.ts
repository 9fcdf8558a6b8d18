export type { EtcdLeaseStoreOptions } from './etcd-lease-store.js';
export { DEFAULT_ETCD_LEASE_STORE_OPTIONS, EtcdLeaseStore } from './etcd-lease-store.js';
export type { EtcdRegistryStoreOptions } from './etcd-registry-store.js';
export { DEFAULT_ETCD_REGISTRY_STORE_OPTIONS, EtcdRegistryStore } from './etcd-registry-store.js';
