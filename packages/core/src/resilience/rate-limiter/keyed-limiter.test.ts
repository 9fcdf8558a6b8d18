import { describe, expect, it } from 'vitest';
import { flushMicrotasks, VirtualClock } from '../../clock/index.js';
import { assertInvalidOption } from '../../testing/index.js';
import { isRateLimitedError, type RateLimitedError } from './errors.js';
import { gcra, slidingWindow, tokenBucket } from './keyed-limiter.js';

describe('keyed rate limiter', () => {
  it('keeps a separate quota per key', () => {
    const clock = new VirtualClock();
    const limiter = tokenBucket({ capacity: 2, refillPerSecond: 1, clock });
    expect(limiter.tryAcquire('a').allowed).toBe(true);
    expect(limiter.tryAcquire('a').allowed).toBe(true);
    expect(limiter.tryAcquire('a').allowed).toBe(false);
    expect(limiter.tryAcquire('b')).toMatchObject({ allowed: true, remaining: 1 });
    expect(limiter.size).toBe(2);
    limiter.reset('a');
    expect(limiter.tryAcquire('a').allowed).toBe(true);
  });

  it('describes its policy', () => {
    expect(tokenBucket({ capacity: 100, refillPerSecond: 100 / 60, name: 'api' }).policy).toEqual({
      name: 'api',
      quota: 100,
      windowMs: 60_000,
      algorithm: 'token-bucket',
    });
    expect(gcra({ ratePerSecond: 10, burst: 5 }).policy).toMatchObject({ quota: 5, windowMs: 500 });
    expect(slidingWindow({ limit: 7, windowMs: 9000 }).policy).toMatchObject({ quota: 7, windowMs: 9000 });
  });

  it('forgets idle keys first and keeps memory bounded', () => {
    const clock = new VirtualClock();
    const limiter = gcra({ ratePerSecond: 1, burst: 1, maxKeys: 3, clock });
    limiter.tryAcquire('a');
    limiter.tryAcquire('b');
    clock.advance(1000); // a and b are back to a full quota
    limiter.tryAcquire('c');
    limiter.tryAcquire('d');
    limiter.tryAcquire('e');
    expect(limiter.size).toBeLessThanOrEqual(3);
    // c, d and e are busy: a new key evicts the least recently used one (c).
    limiter.tryAcquire('d');
    limiter.tryAcquire('f');
    expect(limiter.size).toBe(3);
    expect(limiter.tryAcquire('d').allowed).toBe(false);
    expect(limiter.tryAcquire('c').allowed).toBe(true);
  });

  it('sweeps idle keys on demand', () => {
    const clock = new VirtualClock();
    const limiter = slidingWindow({ limit: 5, windowMs: 100, clock });
    for (const key of ['a', 'b', 'c']) limiter.tryAcquire(key);
    clock.advance(150);
    limiter.tryAcquire('c');
    clock.advance(60);
    expect(limiter.sweep()).toBe(2);
    expect(limiter.size).toBe(1);
  });

  it('never grows past maxKeys under many distinct keys', () => {
    const clock = new VirtualClock();
    const limiter = tokenBucket({ capacity: 1, refillPerSecond: 0.001, maxKeys: 50, clock });
    for (let i = 0; i < 1000; i++) {
      limiter.tryAcquire(`k${i}`);
      expect(limiter.size).toBeLessThanOrEqual(50);
    }
  });

  it('acquire waits on the clock for the quota', async () => {
    const clock = new VirtualClock();
    const limiter = gcra({ ratePerSecond: 10, burst: 1, clock });
    await limiter.acquire('k');
    let done = false;
    const next = limiter.acquire('k').then(() => {
      done = true;
    });
    await flushMicrotasks();
    expect(done).toBe(false);
    await clock.advanceAsync(99);
    expect(done).toBe(false);
    await clock.advanceAsync(1);
    await next;
    expect(done).toBe(true);
  });

  it('acquire fails at once when the wait would exceed maxWaitMs or the deadline', async () => {
    const clock = new VirtualClock();
    const limiter = gcra({ ratePerSecond: 1, burst: 1, clock, maxWaitMs: 500 });
    await limiter.acquire('k');
    await expect(limiter.acquire('k')).rejects.toSatisfy(
      (e: RateLimitedError) => isRateLimitedError(e) && e.retryAfterMs === 1000 && e.key === 'k',
    );
    await expect(limiter.acquire('k', 1, { maxWaitMs: 2000, deadline: 999 })).rejects.toSatisfy(
      isRateLimitedError,
    );
    expect(clock.pendingTimers).toBe(0);
  });

  it('acquire stops waiting when its signal aborts, keeping the reason', async () => {
    const clock = new VirtualClock();
    const limiter = gcra({ ratePerSecond: 1, burst: 1, clock, maxWaitMs: 5000 });
    await limiter.acquire('k');
    const controller = new AbortController();
    const waiting = limiter.acquire('k', 1, { signal: controller.signal });
    controller.abort(new Error('shutdown'));
    await expect(waiting).rejects.toThrow('shutdown');
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects bad options and costs by name', () => {
    assertInvalidOption(() => tokenBucket({ capacity: 0, refillPerSecond: 1 }), 'tokenBucket.capacity');
    assertInvalidOption(() => tokenBucket({ capacity: 1 } as never), 'tokenBucket.refillPerSecond');
    assertInvalidOption(() => tokenBucket(undefined as never), 'tokenBucket.capacity');
    assertInvalidOption(
      () => tokenBucket({ capacity: 1, refillPerSecond: 1, maxKeys: 0 }),
      'tokenBucket.maxKeys',
    );
    assertInvalidOption(() => tokenBucket({ capacity: 1, refillPerSecond: 1, name: '' }), 'tokenBucket.name');
    assertInvalidOption(() => gcra({ ratePerSecond: -1 }), 'gcra.ratePerSecond');
    assertInvalidOption(() => gcra({ ratePerSecond: 1, burst: 0.5 }), 'gcra.burst');
    assertInvalidOption(() => gcra({ ratePerSecond: 1, maxWaitMs: -1 }), 'gcra.maxWaitMs');
    assertInvalidOption(() => gcra({ ratePerSecond: 1, clock: {} as never }), 'gcra.clock');
    assertInvalidOption(() => slidingWindow({ limit: 1, windowMs: 0 }), 'slidingWindow.windowMs');
    assertInvalidOption(
      () => slidingWindow({ limit: 1, windowMs: 10, extra: 1 } as never),
      'slidingWindow.extra',
    );
    const limiter = gcra({ ratePerSecond: 1 });
    assertInvalidOption(() => limiter.tryAcquire('k', -1), 'cost');
    assertInvalidOption(() => limiter.tryAcquire('k', Number.NaN), 'cost');
  });
});
