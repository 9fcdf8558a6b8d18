export type { LockContractSubject } from './contract.js';
export { lockContract } from './contract.js';
export type { LockLossReason } from './errors.js';
export {
  isLockLostError,
  isLockNotAcquiredError,
  isStaleFencingTokenError,
  LockLostError,
  LockNotAcquiredError,
  StaleFencingTokenError,
} from './errors.js';
export type { FencedValue } from './fenced-store.js';
export { FencedStore } from './fenced-store.js';
export type { InMemoryLeaseStoreOptions } from './in-memory-lease-store.js';
export { InMemoryLeaseStore } from './in-memory-lease-store.js';
export type { LeaseState } from './lease-lifecycle.js';
export { LeaseLifecycle } from './lease-lifecycle.js';
export type { LeaseHolder, LeaseStore } from './lease-store.js';
export type { LockEvent, LockHandle, LockState } from './lock-handle.js';
export type {
  AcquireOptions,
  LeaseLockProviderOptions,
  LockProvider,
  LockRetryOptions,
  WithLockOptions,
} from './lock-provider.js';
export {
  DEFAULT_ACQUIRE_OPTIONS,
  DEFAULT_LEASE_LOCK_PROVIDER_OPTIONS,
  DEFAULT_LOCK_RETRY_OPTIONS,
  LeaseLockProvider,
} from './lock-provider.js';
export { PartitionableLeaseStore } from './partitionable-lease-store.js';
