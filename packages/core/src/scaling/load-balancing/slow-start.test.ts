import { VirtualClock } from '@keel/core/clock';
import { seededRandom } from '@keel/core/random';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leastOutstanding } from './algorithms/least-outstanding.js';
import { weightedRandom } from './algorithms/random.js';
import { roundRobin, smoothWeightedRoundRobin } from './algorithms/round-robin.js';
import { EndpointSet } from './endpoint-set.js';
import { loadBalancer } from './load-balancer.js';
import { slowStartFactor } from './slow-start.js';

describe('slowStartFactor', () => {
  it('ramps monotonically from the minimum to 1 over the window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120_000 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.integer({ min: 0, max: 100 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (windowMs, aggression, minWeightPercent, a, b) => {
          const options = { windowMs, aggression, minWeightPercent };
          const [early, late] = a < b ? [a, b] : [b, a];
          const f1 = slowStartFactor(early * windowMs, options);
          const f2 = slowStartFactor(late * windowMs, options);
          expect(f1).toBeLessThanOrEqual(f2);
          expect(f1).toBeGreaterThanOrEqual(minWeightPercent / 100);
          expect(f2).toBeLessThanOrEqual(1);
          expect(slowStartFactor(windowMs, options)).toBe(1);
        },
      ),
    );
  });

  it('follows Envoy’s formula', () => {
    expect(slowStartFactor(15_000, { windowMs: 30_000 })).toBe(0.5);
    expect(slowStartFactor(1_000, { windowMs: 30_000 })).toBe(0.1); // floor of 10%
    expect(slowStartFactor(7_500, { windowMs: 30_000, aggression: 2 })).toBe(0.5);
  });
});

describe('slow start in a balancer', () => {
  for (const make of [smoothWeightedRoundRobin, weightedRandom, leastOutstanding]) {
    it(`${make().name}: a new endpoint's share grows over the window, initial members are warm`, () => {
      const clock = new VirtualClock();
      const set = new EndpointSet([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
      const balancer = loadBalancer(set, make(), {
        clock,
        random: seededRandom(4),
        slowStart: { windowMs: 60_000 },
      });
      expect(balancer.stats().map((s) => s.effectiveWeight)).toEqual([1, 1, 1]);
      set.add({ id: 'new' });
      const shares: number[] = [];
      for (let step = 0; step <= 6; step++) {
        let picked = 0;
        for (let i = 0; i < 3000; i++) {
          const endpoint = balancer.pick();
          if (endpoint.id === 'new') picked++;
          balancer.release(endpoint);
        }
        shares.push(picked / 3000);
        expect(balancer.stats()[3]!.effectiveWeight).toBeCloseTo(
          Math.max(0.1, Math.min(1, (step * 10_000) / 60_000)),
          6,
        );
        clock.advance(10_000);
      }
      for (let i = 1; i < shares.length; i++)
        expect(shares[i]!).toBeGreaterThanOrEqual(shares[i - 1]! - 0.02);
      expect(shares[0]!).toBeLessThan(0.06);
      expect(shares[6]!).toBeGreaterThan(0.22);
    });
  }

  it('does not apply to plain round robin', () => {
    const clock = new VirtualClock();
    const set = new EndpointSet([{ id: 'a' }]);
    const balancer = loadBalancer(set, roundRobin(), { clock, slowStart: { windowMs: 60_000 } });
    set.add({ id: 'b' });
    expect(balancer.stats()[1]!.effectiveWeight).toBe(1);
  });
});
