import { describe, expect, it } from 'vitest';
import { GcraAlgorithm } from './gcra.js';
import { SlidingWindowAlgorithm } from './sliding-window.js';
import { TokenBucketAlgorithm } from './token-bucket.js';

describe('token bucket', () => {
  it('allows a full burst, then refills continuously at the given rate', () => {
    const bucket = new TokenBucketAlgorithm(5, 10); // one token per 100 ms
    const state = bucket.create(0);
    for (let i = 0; i < 5; i++)
      expect(bucket.consume(state, 0, 1)).toMatchObject({ allowed: true, remaining: 4 - i });
    const denied = bucket.consume(state, 0, 1);
    expect(denied).toEqual({ allowed: false, remaining: 0, limit: 5, resetMs: 500, retryAfterMs: 100 });
    expect(bucket.consume(state, 99, 1).allowed).toBe(false);
    expect(bucket.consume(state, 100, 1)).toMatchObject({ allowed: true, remaining: 0 });
    // 350 ms later: 3.5 tokens.
    expect(bucket.consume(state, 450, 3)).toMatchObject({ allowed: true, remaining: 0, resetMs: 450 });
    expect(bucket.consume(state, 450, 1)).toMatchObject({ allowed: false, retryAfterMs: 50 });
  });

  it('never holds more than its capacity', () => {
    const bucket = new TokenBucketAlgorithm(3, 1);
    const state = bucket.create(0);
    expect(bucket.consume(state, 1_000_000, 1).remaining).toBe(2);
    expect(bucket.idle(state, 1_000_000)).toBe(false);
    expect(bucket.idle(state, 1_001_000)).toBe(true);
  });

  it('charges costs and refuses forever a cost above capacity', () => {
    const bucket = new TokenBucketAlgorithm(10, 1);
    const state = bucket.create(0);
    expect(bucket.consume(state, 0, 7)).toMatchObject({ allowed: true, remaining: 3 });
    expect(bucket.consume(state, 0, 5)).toMatchObject({ allowed: false, retryAfterMs: 2000, remaining: 3 });
    expect(bucket.consume(state, 0, 11).retryAfterMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('reports a wait after which the request really is allowed, despite fractional rates', () => {
    const bucket = new TokenBucketAlgorithm(1, 3); // 333.33 ms per token
    const state = bucket.create(0);
    let now = 0;
    for (let i = 0; i < 30; i++) {
      const decision = bucket.consume(state, now, 1);
      if (!decision.allowed) {
        now += decision.retryAfterMs;
        expect(bucket.consume(state, now, 1).allowed).toBe(true);
      }
    }
  });
});

describe('GCRA', () => {
  it('allows exactly burst at once, then one per 1/rate', () => {
    const limiter = new GcraAlgorithm(10, 4); // 100 ms apart, burst 4
    const state = limiter.create(1000);
    const remaining = [0, 0, 0, 0].map(() => limiter.consume(state, 1000, 1)).map((d) => d.remaining);
    expect(remaining).toEqual([3, 2, 1, 0]);
    const denied = limiter.consume(state, 1000, 1);
    expect(denied).toEqual({ allowed: false, remaining: 0, limit: 4, resetMs: 400, retryAfterMs: 100 });
    expect(limiter.consume(state, 1099, 1).allowed).toBe(false);
    expect(limiter.consume(state, 1100, 1)).toMatchObject({ allowed: true, remaining: 0, resetMs: 400 });
    expect(limiter.consume(state, 1150, 1)).toMatchObject({ allowed: false, retryAfterMs: 50 });
    expect(limiter.consume(state, 1200, 1).allowed).toBe(true);
    // Idle for the full burst window: back to a full burst.
    expect(limiter.idle(state, 1599)).toBe(false);
    expect(limiter.idle(state, 1600)).toBe(true);
    expect(limiter.consume(state, 1600, 4)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('spaces a steady stream at exactly the emission interval', () => {
    const limiter = new GcraAlgorithm(4, 1); // 250 ms apart, no burst
    const state = limiter.create(0);
    const admitted: number[] = [];
    for (let t = 0; t <= 1000; t += 50) if (limiter.consume(state, t, 1).allowed) admitted.push(t);
    expect(admitted).toEqual([0, 250, 500, 750, 1000]);
  });

  it('refuses forever a cost above the burst', () => {
    const limiter = new GcraAlgorithm(1, 2);
    expect(limiter.consume(limiter.create(0), 0, 3).retryAfterMs).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('sliding window counter', () => {
  it('weights the previous window by its remaining overlap', () => {
    const window = new SlidingWindowAlgorithm(10, 1000);
    const state = window.create(0);
    for (let i = 0; i < 10; i++) expect(window.consume(state, 500, 1).allowed).toBe(true);
    expect(window.consume(state, 999, 1)).toMatchObject({ allowed: false, remaining: 0 });
    // At 1250 the previous window weighs 0.75: estimate 7.5, so exactly 2 more fit.
    expect(window.consume(state, 1250, 1)).toMatchObject({ allowed: true, remaining: 1 });
    expect(window.consume(state, 1250, 1)).toMatchObject({ allowed: true, remaining: 0 });
    const denied = window.consume(state, 1250, 1);
    expect(denied.allowed).toBe(false);
    // 2 + 10 × w + 1 ≤ 10 needs w ≤ 0.7, i.e. 300 ms into the window: 50 ms from now.
    expect(denied.retryAfterMs).toBe(50);
    expect(window.consume(state, 1300, 1).allowed).toBe(true);
  });

  it('forgets windows older than the previous one', () => {
    const window = new SlidingWindowAlgorithm(3, 100);
    const state = window.create(0);
    for (let i = 0; i < 3; i++) window.consume(state, 0, 1);
    expect(window.consume(state, 120, 1).allowed).toBe(false); // 3 × 0.8 + 1 > 3
    expect(window.idle(state, 199)).toBe(false);
    expect(window.idle(state, 200)).toBe(true);
    expect(window.consume(state, 200, 3)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('looks into the next window when this one cannot make room', () => {
    const window = new SlidingWindowAlgorithm(4, 1000);
    const state = window.create(0);
    window.consume(state, 100, 4);
    // Full in the current window: at 1000 the 4 weigh 1, so wait until w ≤ 3/4: 1250.
    const denied = window.consume(state, 200, 1);
    expect(denied.retryAfterMs).toBe(1050);
    expect(window.consume(state, 1249, 1).allowed).toBe(false);
    expect(window.consume(state, 1250, 1).allowed).toBe(true);
  });
});
