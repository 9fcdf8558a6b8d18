import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../random/index.js';
import { assertInvalidOption } from '../../../testing/index.js';
import { aimd } from './aimd.js';
import { gradient2 } from './gradient2.js';
import { type Limit, log10Step } from './limit.js';
import { vegas } from './vegas.js';

/** Feeds `count` samples where the limit is fully used (inflight = current limit). */
function feed(limit: Limit, count: number, rttMs: number, didDrop = false): number {
  for (let i = 0; i < count; i++) limit.update({ rttMs, inflight: limit.current, didDrop });
  return limit.current;
}

describe('log10Step', () => {
  it('is at least 1 and grows by one per decade', () => {
    expect([1, 9, 10, 99, 100, 999, 1000].map(log10Step)).toEqual([1, 1, 1, 1, 2, 2, 3]);
  });
});

describe('aimd', () => {
  it('adds one per success while the limit is in use', () => {
    const limit = aimd({ initialLimit: 10 });
    expect(feed(limit, 5, 10)).toBe(15);
  });

  it('holds while less than half the limit is in use', () => {
    const limit = aimd({ initialLimit: 10 });
    limit.update({ rttMs: 10, inflight: 4, didDrop: false });
    expect(limit.current).toBe(10);
    limit.update({ rttMs: 10, inflight: 5, didDrop: false });
    expect(limit.current).toBe(11);
  });

  it('multiplies by the backoff ratio on a drop (halves with 0.5)', () => {
    const limit = aimd({ initialLimit: 40, backoffRatio: 0.5 });
    limit.update({ rttMs: 10, inflight: 40, didDrop: true });
    expect(limit.current).toBe(20);
    const gentle = aimd({ initialLimit: 40 });
    gentle.update({ rttMs: 10, inflight: 1, didDrop: true });
    expect(gentle.current).toBe(36);
  });

  it('treats a call slower than timeoutMs as a drop', () => {
    const limit = aimd({ initialLimit: 20, backoffRatio: 0.5, timeoutMs: 100 });
    limit.update({ rttMs: 101, inflight: 20, didDrop: false });
    expect(limit.current).toBe(10);
  });

  it('stays within its bounds', () => {
    const limit = aimd({ initialLimit: 4, minLimit: 3, maxLimit: 6, backoffRatio: 0.5 });
    expect(feed(limit, 10, 1)).toBe(6);
    expect(feed(limit, 10, 1, true)).toBe(3);
  });

  it('rejects bad options by name', () => {
    assertInvalidOption(() => aimd({ backoffRatio: 0.3 }), 'aimd.backoffRatio');
    assertInvalidOption(() => aimd({ backoffRatio: 1 }), 'aimd.backoffRatio');
    assertInvalidOption(() => aimd({ initialLimit: 0 }), 'aimd.initialLimit');
    assertInvalidOption(() => aimd({ minLimit: 5, maxLimit: 4, initialLimit: 4 }), 'aimd.maxLimit');
    assertInvalidOption(() => aimd({ initialLimit: 300 }), 'aimd.initialLimit');
    assertInvalidOption(() => aimd({ timeoutMs: 0 }), 'aimd.timeoutMs');
    assertInvalidOption(() => aimd({ bogus: 1 } as never), 'aimd.bogus');
  });
});

describe('gradient2', () => {
  it('grows while latency is flat and the limit is in use', () => {
    const limit = gradient2({ initialLimit: 20, maxLimit: 1000 });
    const grown = feed(limit, 50, 10);
    // Flat latency: gradient 1, so each sample adds queueSize × smoothing = 0.8.
    expect(grown).toBe(20 + Math.floor(50 * 0.8));
  });

  it('lowers the limit when RTT doubles, and recovers when RTT returns', () => {
    const limit = gradient2({ initialLimit: 50, maxLimit: 50 });
    expect(feed(limit, 200, 10)).toBe(50);
    const low = feed(limit, 30, 20);
    expect(low).toBeLessThan(30);
    // Whatever the limit, it never halves in one sample (the gradient is clamped at 0.5).
    let previous = limit.estimate;
    for (let i = 0; i < 20; i++) {
      limit.update({ rttMs: 40, inflight: limit.current, didDrop: false });
      expect(limit.estimate).toBeGreaterThanOrEqual(previous * 0.9 - 1e-9);
      previous = limit.estimate;
    }
    expect(feed(limit, 200, 10)).toBe(50);
    expect(limit.longRttMs).toBeLessThan(20);
  });

  it('settles near queueSize / (1 − gradient) under a sustained 2× latency', () => {
    const limit = gradient2({ initialLimit: 100, maxLimit: 100, longWindow: 1_000_000, warmupWindow: 1 });
    limit.update({ rttMs: 10, inflight: 100, didDrop: false });
    // With the long RTT pinned at 10 and short at 20, the gradient is 0.5: L = 0.5 L + 4 -> 8.
    const settled = feed(limit, 400, 20);
    expect(settled).toBeGreaterThanOrEqual(7);
    expect(settled).toBeLessThanOrEqual(8);
  });

  it('does not grow while the service is application limited', () => {
    const limit = gradient2({ initialLimit: 20 });
    for (let i = 0; i < 100; i++) limit.update({ rttMs: 10, inflight: 9, didDrop: false });
    expect(limit.current).toBe(20);
  });

  it('decays the long RTT when it exceeds twice the short RTT', () => {
    const limit = gradient2({ warmupWindow: 1, longWindow: 1_000_000 });
    limit.update({ rttMs: 100, inflight: 1, didDrop: false });
    limit.update({ rttMs: 10, inflight: 1, didDrop: false });
    expect(limit.longRttMs).toBeCloseTo(90, 3);
  });

  it('respects minLimit and maxLimit and ignores zero RTTs', () => {
    const limit = gradient2({ initialLimit: 10, minLimit: 10, maxLimit: 12 });
    expect(feed(limit, 100, 5)).toBe(12);
    expect(feed(limit, 100, 5000)).toBeGreaterThanOrEqual(10);
    const before = limit.estimate;
    limit.update({ rttMs: 0, inflight: 100, didDrop: false });
    expect(limit.estimate).toBe(before);
  });

  it('accepts a queueSize function of the limit', () => {
    const limit = gradient2({ initialLimit: 10, queueSize: (l) => l, smoothing: 1 });
    limit.update({ rttMs: 10, inflight: 10, didDrop: false });
    expect(limit.current).toBe(20);
  });

  it('rejects bad options by name', () => {
    assertInvalidOption(() => gradient2({ smoothing: 0 }), 'gradient2.smoothing');
    assertInvalidOption(() => gradient2({ smoothing: 1.5 }), 'gradient2.smoothing');
    assertInvalidOption(() => gradient2({ queueSize: -1 }), 'gradient2.queueSize');
    assertInvalidOption(() => gradient2({ queueSize: 'x' as never }), 'gradient2.queueSize');
    assertInvalidOption(() => gradient2({ longWindow: 0 }), 'gradient2.longWindow');
    assertInvalidOption(() => gradient2({ maxLimit: 10 }), 'gradient2.initialLimit');
    assertInvalidOption(() => gradient2({ typo: 1 } as never), 'gradient2.typo');
  });
});

describe('vegas', () => {
  const quiet = { probeMultiplier: 1e9, random: seededRandom(1) };

  it('grows by beta when rtt equals the no-load rtt', () => {
    const limit = vegas({ initialLimit: 10, ...quiet });
    limit.update({ rttMs: 10, inflight: 10, didDrop: false }); // learns the no-load rtt
    expect(limit.noLoadRttMs).toBe(10);
    limit.update({ rttMs: 10, inflight: 10, didDrop: false });
    expect(limit.current).toBe(16); // beta = 6 × log10Step(10) = 6
    expect(feed(limit, 20, 10)).toBeGreaterThan(100);
  });

  it('shrinks when the queue estimate exceeds beta, and on drops', () => {
    const limit = vegas({ initialLimit: 100, ...quiet });
    limit.update({ rttMs: 10, inflight: 100, didDrop: false });
    // rtt 2x no-load: queue = 100 × 0.5 = 50 > beta (12): shrink by log10(100) = 2.
    limit.update({ rttMs: 20, inflight: 100, didDrop: false });
    expect(limit.current).toBe(98);
    limit.update({ rttMs: 10, inflight: 1, didDrop: true });
    expect(limit.current).toBe(97); // log10Step(98) = 1
    // Sustained queueing drives it down until the queue estimate falls within [alpha, beta].
    const settled = feed(limit, 200, 20);
    expect(settled).toBeLessThanOrEqual(24);
  });

  it('holds while less than half the limit is in use', () => {
    const limit = vegas({ initialLimit: 10, ...quiet });
    limit.update({ rttMs: 10, inflight: 4, didDrop: false });
    limit.update({ rttMs: 10, inflight: 4, didDrop: false });
    expect(limit.current).toBe(10);
  });

  it('re-learns the no-load rtt when it probes', () => {
    const limit = vegas({ initialLimit: 2, probeMultiplier: 1, random: seededRandom(3) });
    limit.update({ rttMs: 10, inflight: 2, didDrop: false });
    for (let i = 0; i < 10; i++) limit.update({ rttMs: 50, inflight: limit.current, didDrop: false });
    expect(limit.noLoadRttMs).toBe(50);
  });

  it('stays within its bounds', () => {
    const limit = vegas({ initialLimit: 5, minLimit: 3, maxLimit: 30, ...quiet });
    expect(feed(limit, 50, 10)).toBe(30);
    expect(feed(limit, 50, 10, true)).toBe(3);
  });

  it('rejects bad options by name', () => {
    assertInvalidOption(() => vegas({ alpha: -1 }), 'vegas.alpha');
    assertInvalidOption(() => vegas({ beta: 'x' as never }), 'vegas.beta');
    assertInvalidOption(() => vegas({ smoothing: 0 }), 'vegas.smoothing');
    assertInvalidOption(() => vegas({ probeMultiplier: 0 }), 'vegas.probeMultiplier');
    assertInvalidOption(() => vegas({ random: 3 as never }), 'vegas.random');
    assertInvalidOption(() => vegas({ random: {} as never }), 'vegas.random');
    assertInvalidOption(() => vegas({ nope: true } as never), 'vegas.nope');
  });
});
