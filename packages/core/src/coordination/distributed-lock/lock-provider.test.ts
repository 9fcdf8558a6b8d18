import { describe, expect, it } from 'vitest';
import { type Clock, systemClock, VirtualClock } from '../../clock/index.js';
import { isInvalidOptionError } from '../../errors/index.js';
import { seededRandom } from '../../random/index.js';
import { invalidOptionField, runContract } from '../../testing/index.js';
import { lockContract } from './contract.js';
import { isLockLostError, isLockNotAcquiredError } from './errors.js';
import { InMemoryLeaseStore } from './in-memory-lease-store.js';
import type { LeaseHolder, LeaseStore } from './lease-store.js';
import type { LockEvent } from './lock-handle.js';
import { LeaseLockProvider } from './lock-provider.js';

runContract({ describe, it }, 'in-memory (virtual clock)', lockContract, () => {
  const clock = new VirtualClock();
  return {
    subject: {
      store: new InMemoryLeaseStore({ clock }),
      clock,
      ttlMs: 1_000,
      expiryGraceMs: 10,
      wait: (ms: number) => clock.advanceAsync(ms),
      key: (name: string) => name,
    },
  };
});

/** A store whose every call takes `latencyMs` each way on `clock`, like one over a network. */
class SlowStore implements LeaseStore {
  extendResult: boolean | Error | undefined;
  constructor(
    private readonly inner: LeaseStore,
    private readonly clock: VirtualClock,
    private readonly latencyMs: number,
  ) {}
  private async trip<T>(call: () => Promise<T>): Promise<T> {
    if (this.latencyMs === 0) return call();
    await new Promise<void>((resolve) => this.clock.setTimeout(resolve, this.latencyMs));
    const result = await call();
    await new Promise<void>((resolve) => this.clock.setTimeout(resolve, this.latencyMs));
    return result;
  }
  tryAcquire(key: string, owner: string, ttlMs: number) {
    return this.trip(() => this.inner.tryAcquire(key, owner, ttlMs));
  }
  extend(key: string, owner: string, ttlMs: number) {
    const forced = this.extendResult;
    if (forced instanceof Error) return this.trip(() => Promise.reject(forced));
    if (forced !== undefined) return this.trip(() => Promise.resolve(forced));
    return this.trip(() => this.inner.extend(key, owner, ttlMs));
  }
  release(key: string, owner: string) {
    return this.trip(() => this.inner.release(key, owner));
  }
  holder(key: string): Promise<LeaseHolder | undefined> {
    return this.inner.holder(key);
  }
}

function setup(latencyMs = 0) {
  const clock = new VirtualClock();
  const inner = new InMemoryLeaseStore({ clock });
  const store = new SlowStore(inner, clock, latencyMs);
  const events: LockEvent[] = [];
  const locks = new LeaseLockProvider(store, { clock, random: seededRandom(1), id: 'test' });
  locks.events((event) => events.push(event));
  return { clock, inner, store, locks, events };
}

describe('LeaseLockProvider', () => {
  it('fires the signal ttl x drift + margin before the lease expires at the store', async () => {
    const { clock, inner, locks } = setup();
    const lock = await locks.acquire('k', { ttlMs: 1_000 });
    expect(lock.validUntil).toBe(1_000 - 10 - 10);
    await clock.advanceAsync(979);
    expect(lock.signal.aborted).toBe(false);
    await clock.advanceAsync(1);
    expect(lock.signal.aborted).toBe(true);
    expect(lock.signal.reason).toMatchObject({ lossReason: 'expired', token: lock.token });
    expect(await inner.holder('k')).toMatchObject({ owner: lock.owner });
  });

  it('records every acquisition under its own owner, so a stale holder cannot free its successor', async () => {
    const { inner, locks } = setup();
    const first = await locks.acquire('k', { ttlMs: 1_000 });
    await first.release();
    const second = await locks.acquire('k', { ttlMs: 1_000 });
    const other = await locks.acquire('j', { ttlMs: 1_000 });
    expect(new Set([first.owner, second.owner, other.owner]).size).toBe(3);
    expect(await inner.release('k', first.owner)).toBe(false);
    expect(await inner.holder('k')).toEqual({ owner: second.owner, token: second.token });
  });

  it('takes what a call leaves out from the provider defaults', async () => {
    const clock = new VirtualClock();
    const store = new InMemoryLeaseStore({ clock });
    const locks = new LeaseLockProvider(store, {
      clock,
      random: seededRandom(2),
      defaults: { ttlMs: 2_000, waitMs: 1_000, retry: { delayMs: 400, maxDelayMs: 400, jitter: 0 } },
    });
    await locks.acquire('k', { ttlMs: 300 });
    // The default wait and spacing still apply: attempts at 0 and 400 ms, the lease gone at 300.
    const waiting = locks.acquire('k', { retry: { jitter: 0 } });
    await clock.advanceAsync(400);
    const lock = await waiting;
    expect(lock.validUntil).toBe(400 + 2_000 - 20 - 10);
  });

  it('counts the lease from the send time of the successful attempt, not the first attempt', async () => {
    const { clock, locks } = setup();
    await locks.acquire('k', { ttlMs: 500 });
    const waiting = locks.acquire('k', {
      ttlMs: 1_000,
      waitMs: 2_000,
      retry: { delayMs: 100, maxDelayMs: 1_000, jitter: 0 },
    });
    await clock.advanceAsync(700);
    const lock = await waiting;
    // Attempts at 0, 100, 300 and 700 ms; the one sent at 700 ms succeeded.
    expect(lock.validUntil).toBe(700 + 1_000 - 20);
    await clock.advanceAsync(979);
    expect(lock.held).toBe(true);
  });

  it('counts from when the request was sent, so network delay only shortens the lease locally', async () => {
    const { clock, inner, locks } = setup(200);
    const pending = locks.acquire('k', { ttlMs: 1_000 });
    await clock.advanceAsync(400);
    const lock = await pending;
    expect(lock.validUntil).toBe(980);
    await clock.advanceAsync(580);
    expect(lock.signal.aborted).toBe(true);
    // The store granted it at 200 ms: it still holds the lease for another 220 ms.
    expect(await inner.holder('k')).toBeDefined();
  });

  it('gives back a grant that arrives after its own validity', async () => {
    const { clock, inner, locks } = setup(600);
    const pending = locks.acquire('k', { ttlMs: 1_000 }).catch((e: unknown) => e);
    await clock.advanceAsync(1_200);
    expect(isLockNotAcquiredError(await pending)).toBe(true);
    await clock.advanceAsync(600);
    expect(await inner.holder('k')).toBeUndefined();
  });

  it('sees a stall of the event loop past the lease as soon as the signal is read', async () => {
    const locks = new LeaseLockProvider(new InMemoryLeaseStore(), { safetyMarginMs: 0, clockDriftFactor: 0 });
    const lock = await locks.acquire('stall', { ttlMs: 30 });
    const until = systemClock.now() + 40;
    while (systemClock.now() < until) {
      // Blocks the event loop: no timer can fire.
    }
    expect(lock.signal.aborted).toBe(true);
    expect(() => lock.assertHeld()).toThrow(expect.objectContaining({ lossReason: 'expired' }));
  });

  it('extends from the send time and emits every transition', async () => {
    const { clock, locks, events } = setup(10);
    const pending = locks.acquire('k', { ttlMs: 1_000 });
    await clock.advanceAsync(20);
    const lock = await pending;
    await clock.advanceAsync(480);
    const extending = lock.extend(2_000);
    await clock.advanceAsync(20);
    await extending;
    expect(lock.validUntil).toBe(500 + 2_000 - 20 - 10);
    const releasing = lock.release();
    await clock.advanceAsync(20);
    expect(await releasing).toBe(true);
    expect(await lock.release()).toBe(false);
    expect(events.map((e) => e.type)).toEqual(['acquired', 'extended', 'released']);
    expect(lock.signal.reason).toMatchObject({ lossReason: 'released' });
  });

  it('loses the lock when the store refuses an extension', async () => {
    const { store, locks, events, clock } = setup(1);
    const pending = locks.acquire('k', { ttlMs: 1_000 });
    await clock.advanceAsync(2);
    const lock = await pending;
    store.extendResult = false;
    const extending = lock.extend().catch((e: unknown) => e);
    await clock.advanceAsync(2);
    expect(isLockLostError(await extending)).toBe(true);
    expect(lock.signal.reason).toMatchObject({ lossReason: 'rejected' });
    expect(events.at(-1)).toMatchObject({ type: 'lost', reason: 'rejected' });
  });

  it('keeps the old validity when an extension fails in transit', async () => {
    const { store, locks, clock } = setup(1);
    const pending = locks.acquire('k', { ttlMs: 1_000 });
    await clock.advanceAsync(2);
    const lock = await pending;
    store.extendResult = new Error('connection reset');
    const extending = lock.extend().catch((e: unknown) => e);
    await clock.advanceAsync(2);
    expect(await extending).toMatchObject({ message: 'connection reset' });
    expect(lock.held).toBe(true);
    expect(lock.validUntil).toBe(980);
  });

  it('withLock aborts the signal passed to fn when an extension is refused', async () => {
    const { store, locks, clock } = setup(1);
    let seen: AbortSignal | undefined;
    const running = locks.withLock(
      'k',
      async (lock) => {
        seen = lock.signal;
        store.extendResult = false;
        await new Promise<void>((resolve) => lock.signal.addEventListener('abort', () => resolve()));
        return lock.signal.reason as unknown;
      },
      { ttlMs: 900 },
    );
    await clock.advanceAsync(400);
    expect(await running).toMatchObject({ lossReason: 'rejected' });
    expect(seen?.aborted).toBe(true);
  });

  it('cancels a wait through its signal with the signal reason', async () => {
    const { locks, clock } = setup();
    await locks.acquire('k');
    const controller = new AbortController();
    const waiting = locks
      .acquire('k', { waitMs: 10_000, signal: controller.signal })
      .catch((e: unknown) => e);
    await clock.advanceAsync(100);
    const reason = new Error('shutting down');
    controller.abort(reason);
    expect(await waiting).toBe(reason);
  });

  it('releases a lease granted while the caller cancelled', async () => {
    const { locks, clock, inner } = setup(5);
    const controller = new AbortController();
    const pending = locks.acquire('k', { signal: controller.signal }).catch((e: unknown) => e);
    await clock.advanceAsync(6);
    controller.abort('stop');
    await clock.advanceAsync(20);
    expect(await pending).toMatchObject({ code: 'KEEL_ABORTED' });
    expect(await inner.holder('k')).toBeUndefined();
  });

  it('names every bad option', async () => {
    const store = new InMemoryLeaseStore();
    const bad: [string, () => unknown][] = [
      ['LeaseLockProvider.nope', () => new LeaseLockProvider(store, { nope: 1 } as never)],
      ['clockDriftFactor', () => new LeaseLockProvider(store, { clockDriftFactor: 0.9 })],
      ['safetyMarginMs', () => new LeaseLockProvider(store, { safetyMarginMs: -1 })],
      ['id', () => new LeaseLockProvider(store, { id: '' })],
      ['clock', () => new LeaseLockProvider(store, { clock: 5 as unknown as Clock })],
      ['defaults.ttlMs', () => new LeaseLockProvider(store, { defaults: { ttlMs: 0 } })],
    ];
    for (const [field, make] of bad) {
      expect(invalidOptionField(make)).toBe(field);
    }
    const locks = new LeaseLockProvider(store);
    const calls: [string, () => Promise<unknown>][] = [
      ['options.ttlMs', () => locks.acquire('k', { ttlMs: -5 })],
      ['options.waitMs', () => locks.acquire('k', { waitMs: Number.NaN })],
      ['options.retry.delayMs', () => locks.acquire('k', { retry: { delayMs: 0 } })],
      ['options.retry.maxDelayMs', () => locks.acquire('k', { retry: { delayMs: 100, maxDelayMs: 50 } })],
      ['options.retry.jitter', () => locks.acquire('k', { retry: { jitter: 2 } })],
      ['options.retry.factor', () => locks.acquire('k', { retry: { factor: 2 } as never })],
      ['options.extendRatio', () => locks.withLock('k', () => 1, { extendRatio: 1 })],
      ['options.signal', () => locks.acquire('k', { signal: {} as AbortSignal })],
      ['options.tll', () => locks.acquire('k', { tll: 1 } as never)],
      ['key', () => locks.acquire('')],
      ['fn', () => locks.withLock('k', undefined as never)],
    ];
    for (const [field, call] of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(isInvalidOptionError(error) && error.field).toBe(field);
    }
  });
});
