export type { EtcdLeaseStoreOptions } from './etcd-lease-store.js';
export { DEFAULT_ETCD_LEASE_STORE_OPTIONS, EtcdLeaseStore } from './etcd-lease-store.js';
