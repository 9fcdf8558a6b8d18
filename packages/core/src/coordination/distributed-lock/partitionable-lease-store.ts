import type { LeaseHolder, LeaseStore } from './lease-store.js';

/**
 * Wraps a {@link LeaseStore} so that a test can cut one client off from it: while
 * partitioned, calls never answer (`'hang'`) or fail at once (`'fail'`). Calls made while
 * partitioned stay unanswered after healing, as requests lost on the wire would.
 *
 * @example
 * ```ts
 * import { InMemoryLeaseStore, PartitionableLeaseStore } from '@keel/core/distributed-lock';
 * const store = new PartitionableLeaseStore(new InMemoryLeaseStore());
 * store.partition('fail');
 * await store.tryAcquire('k', 'a', 100).catch((e) => console.log(e.message));
 * store.heal();
 * ```
 * @category Distributed lock
 */
export class PartitionableLeaseStore implements LeaseStore {
  private mode: 'connected' | 'hang' | 'fail' = 'connected';

  constructor(private readonly inner: LeaseStore) {}

  /** Cuts this client off. */
  partition(mode: 'hang' | 'fail' = 'hang'): void {
    this.mode = mode;
  }

  /** Reconnects it. */
  heal(): void {
    this.mode = 'connected';
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.mode === 'hang') return new Promise<T>(() => undefined);
    if (this.mode === 'fail') return Promise.reject(new Error('partitioned from the lease store'));
    return fn();
  }

  tryAcquire(key: string, owner: string, ttlMs: number): Promise<bigint | undefined> {
    return this.call(() => this.inner.tryAcquire(key, owner, ttlMs));
  }
  extend(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.call(() => this.inner.extend(key, owner, ttlMs));
  }
  release(key: string, owner: string): Promise<boolean> {
    return this.call(() => this.inner.release(key, owner));
  }
  holder(key: string): Promise<LeaseHolder | undefined> {
    return this.call(() => this.inner.holder(key));
  }
}
