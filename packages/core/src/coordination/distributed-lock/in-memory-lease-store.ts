import { type Clock, systemClock } from '../../clock/index.js';
import { checkKnownKeys } from '../../options/index.js';
import type { LeaseHolder, LeaseStore } from './lease-store.js';

/**
 * Options of {@link InMemoryLeaseStore}.
 * @category Distributed lock
 */
export interface InMemoryLeaseStoreOptions {
  /**
   * The store's own clock: it decides expiry, as a server would. Give it a different clock
   * from the clients' to simulate clock jumps or drift between them.
   * @default systemClock
   */
  readonly clock?: Clock;
}

interface Entry {
  owner: string | undefined;
  expiresAt: number;
  fence: bigint;
}

/**
 * A {@link LeaseStore} in process memory: for tests, simulations and single-process use.
 * Expiry is judged on its own clock at the moment of each call, and a key's fencing counter
 * survives release, so tokens never repeat.
 *
 * @example
 * ```ts
 * import { VirtualClock } from '@keel/core/clock';
 * import { InMemoryLeaseStore } from '@keel/core/distributed-lock';
 * const clock = new VirtualClock();
 * const store = new InMemoryLeaseStore({ clock });
 * await store.tryAcquire('job', 'a', 100);
 * clock.advance(100);
 * console.log(await store.tryAcquire('job', 'b', 100)); // 2n
 * ```
 * @category Distributed lock
 */
export class InMemoryLeaseStore implements LeaseStore {
  private readonly clock: Clock;
  private readonly entries = new Map<string, Entry>();

  constructor(options: InMemoryLeaseStoreOptions = {}) {
    checkKnownKeys('InMemoryLeaseStore', options, ['clock']);
    this.clock = options.clock ?? systemClock;
  }

  tryAcquire(key: string, owner: string, ttlMs: number): Promise<bigint | undefined> {
    const now = this.clock.now();
    let entry = this.entries.get(key);
    if (entry && entry.owner !== undefined && entry.expiresAt > now) return Promise.resolve(undefined);
    if (!entry) {
      entry = { owner: undefined, expiresAt: 0, fence: 0n };
      this.entries.set(key, entry);
    }
    entry.owner = owner;
    entry.expiresAt = now + ttlMs;
    entry.fence += 1n;
    return Promise.resolve(entry.fence);
  }

  extend(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const entry = this.live(key);
    if (!entry || entry.owner !== owner) return Promise.resolve(false);
    entry.expiresAt = this.clock.now() + ttlMs;
    return Promise.resolve(true);
  }

  release(key: string, owner: string): Promise<boolean> {
    const entry = this.live(key);
    if (!entry || entry.owner !== owner) return Promise.resolve(false);
    entry.owner = undefined;
    return Promise.resolve(true);
  }

  holder(key: string): Promise<LeaseHolder | undefined> {
    const entry = this.live(key);
    return Promise.resolve(entry ? { owner: entry.owner!, token: entry.fence } : undefined);
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    return entry && entry.owner !== undefined && entry.expiresAt > this.clock.now() ? entry : undefined;
  }
}
