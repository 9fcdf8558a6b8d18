import type { Clock } from '../../clock/index.js';
import { assertEqual, assertRejects, assertTrue, defineContract } from '../../testing/index.js';
import { isLockLostError, isLockNotAcquiredError } from './errors.js';
import type { LeaseStore } from './lease-store.js';
import { LeaseLockProvider } from './lock-provider.js';

/**
 * What the lock contract needs from an adapter's fixture.
 * @category Distributed lock
 */
export interface LockContractSubject {
  /** The store under test, empty for the keys this case uses. */
  readonly store: LeaseStore;
  /** The clients' clock (a `VirtualClock` for in-memory stores, the system clock for live ones). */
  readonly clock: Clock;
  /** Lets `ms` pass on `clock`: advances a virtual clock or really waits. */
  wait(ms: number): Promise<void>;
  /** A lease length the store handles exactly enough (etcd counts in whole seconds). */
  readonly ttlMs: number;
  /** Extra time after a TTL for the store to have let the lease go. */
  readonly expiryGraceMs: number;
  /** A key unique to this case and run. */
  key(name: string): string;
}

function provider(subject: LockContractSubject, id: string): LeaseLockProvider {
  return new LeaseLockProvider(subject.store, {
    clock: subject.clock,
    id,
    defaults: { ttlMs: subject.ttlMs, retry: { delayMs: 20, maxDelayMs: 20, jitter: 0 } },
  });
}

const expire = (s: LockContractSubject): Promise<void> => s.wait(s.ttlMs + s.expiryGraceMs);

/**
 * The behaviour every {@link LeaseStore} adapter must show, exercised through
 * {@link LeaseLockProvider}. Run it with `runContract` from `@keel/core/testing`.
 *
 * @example
 * ```ts
 * import { VirtualClock } from '@keel/core/clock';
 * import { InMemoryLeaseStore, lockContract } from '@keel/core/distributed-lock';
 * import { runContract } from '@keel/core/testing';
 * import { describe, it } from 'vitest';
 * runContract({ describe, it }, 'memory', lockContract, () => {
 *   const clock = new VirtualClock();
 *   return { subject: { store: new InMemoryLeaseStore({ clock }), clock, ttlMs: 1_000, expiryGraceMs: 10,
 *     wait: (ms: number) => clock.advanceAsync(ms), key: (name: string) => name } };
 * });
 * ```
 * @category Distributed lock
 */
export const lockContract = defineContract<LockContractSubject>('LeaseStore (distributed lock)', [
  {
    name: 'grants a free key and refuses it to others while held',
    async run(s) {
      const key = s.key('exclusive');
      const a = await provider(s, 'a').acquire(key);
      assertTrue(a.held, 'the first holder holds the lock');
      await assertRejects(() => provider(s, 'b').acquire(key), isLockNotAcquiredError, 'second acquire');
      const holder = await s.store.holder(key);
      assertEqual(holder?.owner, a.owner, 'holder');
      assertEqual(holder?.token, a.token, 'holder token');
      await a.release();
    },
  },
  {
    name: 'issues strictly increasing fencing tokens across releases and expiries',
    async run(s) {
      const key = s.key('tokens');
      const locks = provider(s, 'a');
      const first = await locks.acquire(key);
      assertTrue(await first.release(), 'release of a held lock reports true');
      const second = await locks.acquire(key);
      await expire(s);
      const third = await provider(s, 'b').acquire(key);
      assertTrue(first.token < second.token, `${first.token} < ${second.token}`);
      assertTrue(second.token < third.token, `${second.token} < ${third.token}`);
      await third.release();
    },
  },
  {
    name: 'an expired lease aborts its signal, refuses extension and lets the next holder in',
    async run(s) {
      const key = s.key('expiry');
      const a = await provider(s, 'a').acquire(key);
      const signal = a.signal;
      await expire(s);
      assertTrue(signal.aborted, 'the signal fired before the store let the lease go');
      assertTrue(isLockLostError(signal.reason), 'the reason is a LockLostError');
      await assertRejects(() => a.extend(), isLockLostError, 'extend after loss');
      const b = await provider(s, 'b').acquire(key);
      assertTrue(b.token > a.token, 'the next holder has a newer token');
      await b.release();
    },
  },
  {
    name: 'release is owner-checked: a lapsed holder cannot free the next holder',
    async run(s) {
      const key = s.key('owner-checked');
      const a = await provider(s, 'a').acquire(key);
      await expire(s);
      const b = await provider(s, 'b').acquire(key);
      assertEqual(await a.release(), false, 'the lapsed holder releases nothing');
      // The background release of a known-lost lock must not touch the new owner either.
      assertEqual(await s.store.release(key, a.owner), false, 'store release by the old owner');
      assertEqual((await s.store.holder(key))?.owner, b.owner, 'the new holder still holds it');
      assertEqual(await s.store.extend(key, a.owner, s.ttlMs), false, 'extend by the old owner');
      await b.release();
      assertEqual(await s.store.holder(key), undefined, 'released');
    },
  },
  {
    name: 'extend keeps the lease alive past its first TTL',
    async run(s) {
      const key = s.key('extend');
      const a = await provider(s, 'a').acquire(key);
      await s.wait(s.ttlMs / 2);
      await a.extend();
      await s.wait(s.ttlMs * 0.6);
      assertTrue(a.held, 'still held after more than one TTL in total');
      await assertRejects(
        () => provider(s, 'b').acquire(key),
        isLockNotAcquiredError,
        'others still refused',
      );
      await a.release();
      const b = await provider(s, 'b').acquire(key);
      await b.release();
    },
  },
  {
    name: 'keys are independent',
    async run(s) {
      const a = await provider(s, 'a').acquire(s.key('one'));
      const b = await provider(s, 'b').acquire(s.key('two'));
      assertTrue(a.held && b.held, 'both held');
      await a.release();
      await b.release();
    },
  },
  {
    name: 'a waiter gets the lock once the holder releases',
    async run(s) {
      const key = s.key('waiter');
      const a = await provider(s, 'a').acquire(key);
      const waiting = provider(s, 'b').acquire(key, { waitMs: s.ttlMs * 4 });
      await s.wait(30);
      await a.release();
      await s.wait(60);
      const b = await waiting;
      assertTrue(b.token > a.token, 'the waiter holds a newer token');
      await b.release();
    },
  },
  {
    name: 'withLock extends past the TTL, passes a live signal, releases, and keeps the error of fn',
    async run(s) {
      const key = s.key('with-lock');
      const locks = provider(s, 'a');
      const result = await locks.withLock(key, async (lock) => {
        await s.wait(s.ttlMs * 1.5);
        assertTrue(!lock.signal.aborted, 'the signal stays live while extended');
        assertEqual((await s.store.holder(key))?.owner, lock.owner, 'still the holder');
        return 'done';
      });
      assertEqual(result, 'done', 'result');
      assertEqual(await s.store.holder(key), undefined, 'released after fn');
      const failure = new Error('planned');
      const caught = await assertRejects(() =>
        locks.withLock(key, () => {
          throw failure;
        }),
      );
      assertTrue(caught === failure, "fn's own error rejects");
      assertEqual(await s.store.holder(key), undefined, 'released after a failure too');
    },
  },
]);
