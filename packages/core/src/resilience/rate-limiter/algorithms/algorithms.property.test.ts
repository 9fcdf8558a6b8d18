import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RateLimitAlgorithm } from './algorithm.js';
import { GcraAlgorithm } from './gcra.js';
import { SlidingWindowAlgorithm } from './sliding-window.js';
import { TokenBucketAlgorithm } from './token-bucket.js';

/** Integer-millisecond gaps and small costs: the shape of real traffic on a virtual clock. */
const traffic = fc.array(
  fc.record({ gap: fc.integer({ min: 0, max: 400 }), cost: fc.integer({ min: 0, max: 4 }) }),
  { minLength: 1, maxLength: 120 },
);

interface Admitted {
  at: number;
  cost: number;
}

function replay<S>(algorithm: RateLimitAlgorithm<S>, requests: { gap: number; cost: number }[]) {
  let now = 0;
  const state = algorithm.create(now);
  const admitted: Admitted[] = [];
  for (const { gap, cost } of requests) {
    now += gap;
    const decision = algorithm.consume(state, now, cost);
    expect(decision.remaining).toBeGreaterThanOrEqual(0);
    expect(decision.remaining).toBeLessThanOrEqual(algorithm.limit);
    expect(decision.resetMs).toBeGreaterThanOrEqual(0);
    expect(decision.allowed ? decision.retryAfterMs === 0 : decision.retryAfterMs > 0).toBe(true);
    if (decision.allowed) admitted.push({ at: now, cost });
  }
  return { admitted, state, now };
}

/** Largest total cost admitted within any closed span of `span` ms. */
function maxInSpan(admitted: Admitted[], span: number): number {
  let best = 0;
  for (let i = 0; i < admitted.length; i++) {
    let sum = 0;
    for (let j = i; j < admitted.length && admitted[j]!.at - admitted[i]!.at <= span; j++)
      sum += admitted[j]!.cost;
    best = Math.max(best, sum);
  }
  return best;
}

const spans = fc.integer({ min: 0, max: 3000 });

describe('rate-limit algorithms, by property', () => {
  it('token bucket never admits more than capacity + refill over any span', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 50 }),
        traffic,
        spans,
        (cap, rate, reqs, span) => {
          const { admitted } = replay(new TokenBucketAlgorithm(cap, rate), reqs);
          expect(maxInSpan(admitted, span)).toBeLessThanOrEqual(cap + (span * rate) / 1000 + 1e-6);
        },
      ),
    );
  });

  it('GCRA never admits more than burst + rate over any span', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 50 }),
        traffic,
        spans,
        (burst, rate, reqs, span) => {
          const { admitted } = replay(new GcraAlgorithm(rate, burst), reqs);
          expect(maxInSpan(admitted, span)).toBeLessThanOrEqual(burst + (span * rate) / 1000 + 1e-6);
        },
      ),
    );
  });

  it('sliding window admits at most the limit per aligned window and twice it per sliding one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 50, max: 2000 }),
        traffic,
        (limit, windowMs, reqs) => {
          const { admitted } = replay(new SlidingWindowAlgorithm(limit, windowMs), reqs);
          const perWindow = new Map<number, number>();
          for (const { at, cost } of admitted) {
            const index = Math.floor(at / windowMs);
            perWindow.set(index, (perWindow.get(index) ?? 0) + cost);
          }
          for (const total of perWindow.values()) expect(total).toBeLessThanOrEqual(limit);
          expect(maxInSpan(admitted, windowMs - 1)).toBeLessThanOrEqual(2 * limit);
        },
      ),
    );
  });

  it('a denied request is allowed exactly retryAfterMs later, and not a millisecond sooner', () => {
    const algorithms = fc.oneof(
      fc
        .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 50 }))
        .map(([c, r]) => new TokenBucketAlgorithm(c, r)),
      fc
        .tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 10 }))
        .map(([r, b]) => new GcraAlgorithm(r, b)),
      fc
        .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 50, max: 2000 }))
        .map(([l, w]) => new SlidingWindowAlgorithm(l, w)),
    );
    fc.assert(
      fc.property(
        algorithms,
        traffic,
        fc.integer({ min: 1, max: 4 }),
        (algorithm: RateLimitAlgorithm<unknown>, reqs, cost) => {
          const { state, now } = replay(algorithm, reqs);
          const probe = structuredClone(state);
          const decision = algorithm.consume(probe, now, cost);
          if (decision.allowed || !Number.isFinite(decision.retryAfterMs)) return;
          const early = structuredClone(state);
          expect(algorithm.consume(early, now + decision.retryAfterMs - 1, cost).allowed).toBe(false);
          expect(algorithm.consume(probe, now + decision.retryAfterMs, cost).allowed).toBe(true);
        },
      ),
    );
  });
});
