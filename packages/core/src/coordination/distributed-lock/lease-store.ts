/**
 * The current holder of a lease, as the store sees it.
 * @category Distributed lock
 */
export interface LeaseHolder {
  /** The owner string given to `tryAcquire`. */
  readonly owner: string;
  /** The fencing token issued to that acquisition. */
  readonly token: bigint;
}

/**
 * The engine port under every lease-based primitive (lock, leader election): a key that at
 * most one owner holds until its time-to-live runs out, and a fencing token that grows with
 * every acquisition of the key. Each method is meant to be one round trip to the store, and
 * the store — not the caller — decides when a lease has expired.
 *
 * Adapters: {@link InMemoryLeaseStore} here; Redis, PostgreSQL, etcd and NATS in their packages.
 * Every adapter passes the `leaseStoreContract`.
 *
 * @example
 * ```ts
 * import { InMemoryLeaseStore } from '@keel/core/distributed-lock';
 * const store = new InMemoryLeaseStore();
 * const token = await store.tryAcquire('job', 'worker-1', 1_000);
 * console.log(token); // 1n
 * ```
 * @category Distributed lock
 */
export interface LeaseStore {
  /**
   * Takes `key` for `owner` for `ttlMs` if nobody holds it (or the holder's lease has expired)
   * and returns the new fencing token, strictly greater than any token issued before for
   * `key`; returns `undefined` when the key is held.
   */
  tryAcquire(key: string, owner: string, ttlMs: number): Promise<bigint | undefined>;
  /** Resets the lease to `ttlMs` from now if `owner` still holds `key`; false otherwise. */
  extend(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Frees `key` if `owner` still holds it; false otherwise (nothing is touched). */
  release(key: string, owner: string): Promise<boolean>;
  /** The current, unexpired holder of `key`, if any. */
  holder(key: string): Promise<LeaseHolder | undefined>;
}
