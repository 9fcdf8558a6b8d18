import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isInvalidOptionError } from '../../errors/index.js';
import { isRateLimitedError, type RateLimitedError } from './errors.js';
import { gcra, tokenBucket } from './keyed-limiter.js';
import { rateLimiter } from './rate-limiter-policy.js';

describe('rateLimiter policy', () => {
  it('runs calls within quota and rejects the rest with retryAfterMs', async () => {
    const clock = new VirtualClock();
    const policy = rateLimiter(tokenBucket({ capacity: 2, refillPerSecond: 4, clock }));
    const rejected: string[] = [];
    policy.onReject(({ key, error }) => rejected.push(`${key}:${error.retryAfterMs}`));
    expect(await policy.execute(() => 1)).toBe(1);
    expect(await policy.execute(async () => 2)).toBe(2);
    let ran = false;
    await expect(
      policy.execute(() => {
        ran = true;
      }),
    ).rejects.toSatisfy((e: RateLimitedError) => isRateLimitedError(e) && e.retryAfterMs === 250);
    expect(ran).toBe(false);
    expect(rejected).toEqual(['default:250']);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const policy = rateLimiter(gcra({ ratePerSecond: 100, burst: 10 }));
    await expect(
      policy.execute(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });

  it('charges the key derived from the context', async () => {
    const limiter = gcra({ ratePerSecond: 1, burst: 1 });
    const policy = rateLimiter(limiter, { key: (context) => `attempt-${context.attempt}` });
    await policy.execute(() => 'a', { attempt: 1 } as never);
    await policy.execute(() => 'b', { attempt: 2 } as never);
    await expect(policy.execute(() => 'c', { attempt: 1 } as never)).rejects.toSatisfy(
      (e: RateLimitedError) => e.key === 'attempt-1',
    );
  });

  it('waits up to maxWaitMs on the clock, then runs', async () => {
    const clock = new VirtualClock();
    const policy = rateLimiter(gcra({ ratePerSecond: 10, burst: 1, clock }), { maxWaitMs: 150 });
    await policy.execute(() => 'first');
    const second = policy.execute(() => clock.now());
    await clock.advanceAsync(100);
    expect(await second).toBe(100);
    // A wait longer than maxWaitMs is refused at once rather than waited out.
    const slower = rateLimiter(gcra({ ratePerSecond: 5, burst: 1, clock }), { maxWaitMs: 150 });
    await slower.execute(() => 'first');
    await expect(slower.execute(() => 'second')).rejects.toSatisfy(
      (e: RateLimitedError) => isRateLimitedError(e) && e.retryAfterMs === 200,
    );
  });

  it('fails fast when the wait would outlast the deadline, and honours the signal', async () => {
    const clock = new VirtualClock();
    const policy = rateLimiter(gcra({ ratePerSecond: 1, burst: 1, clock }), { maxWaitMs: 10_000 });
    await policy.execute(() => 'first');
    await expect(policy.execute(() => 'x', { deadline: 500 })).rejects.toSatisfy(isRateLimitedError);
    const controller = new AbortController();
    const waiting = policy.execute(() => 'y', { signal: controller.signal });
    await clock.advanceAsync(10);
    controller.abort(new Error('caller gone'));
    await expect(waiting).rejects.toThrow('caller gone');
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects bad options by name', () => {
    const limiter = gcra({ ratePerSecond: 1 });
    const bad: [() => unknown, string][] = [
      [() => rateLimiter({} as never), 'limiter'],
      [() => rateLimiter(limiter, { key: '' }), 'rateLimiter.key'],
      [() => rateLimiter(limiter, { key: 3 as never }), 'rateLimiter.key'],
      [() => rateLimiter(limiter, { cost: -1 }), 'rateLimiter.cost'],
      [() => rateLimiter(limiter, { maxWaitMs: -1 }), 'rateLimiter.maxWaitMs'],
      [() => rateLimiter(limiter, { wait: true } as never), 'rateLimiter.wait'],
    ];
    for (const [make, field] of bad) {
      expect(make).toThrow();
      try {
        make();
      } catch (error) {
        expect(isInvalidOptionError(error) && error.field).toBe(field);
      }
    }
  });
});
