import { VirtualClock } from '@keel/core/clock';
import { isInvalidOptionError } from '@keel/core/errors';
import { seededRandom } from '@keel/core/random';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EndpointSet } from '../endpoint-set.js';
import { isNoEndpointError } from '../errors.js';
import { loadBalancer } from '../load-balancer.js';
import type { BalancingAlgorithm } from './algorithm.js';
import { maglevHash, ringHash } from './consistent-hash.js';
import { leastOutstanding } from './least-outstanding.js';
import { peakEwma } from './peak-ewma.js';
import { weightedRandom } from './random.js';
import { roundRobin, smoothWeightedRoundRobin } from './round-robin.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `h${i}` }));

function countPicks(
  balancer: { pick(key?: number): { id: string }; release(e: { id: string }): void },
  picks: number,
) {
  const counts = new Map<string, number>();
  for (let i = 0; i < picks; i++) {
    const endpoint = balancer.pick(i);
    counts.set(endpoint.id, (counts.get(endpoint.id) ?? 0) + 1);
    balancer.release(endpoint);
  }
  return counts;
}

describe('smooth weighted round robin', () => {
  it('picks each endpoint exactly `weight` times in every cycle of sum(weights) picks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        (weights, cycles) => {
          const set = new EndpointSet(weights.map((weight, i) => ({ id: `h${i}`, weight })));
          const balancer = loadBalancer(set, smoothWeightedRoundRobin());
          const total = weights.reduce((a, b) => a + b, 0);
          for (let cycle = 0; cycle < cycles; cycle++) {
            const counts = countPicks(balancer, total);
            for (const [i, weight] of weights.entries()) expect(counts.get(`h${i}`) ?? 0).toBe(weight);
          }
        },
      ),
    );
  });

  it('interleaves a heavy endpoint rather than bunching it (nginx example 5,1,1)', () => {
    const set = new EndpointSet([{ id: 'a', weight: 5 }, { id: 'b' }, { id: 'c' }]);
    const balancer = loadBalancer(set, smoothWeightedRoundRobin());
    expect(Array.from({ length: 7 }, () => balancer.pick().id).join('')).toBe('aabacaa');
  });
});

describe('round robin and weighted random', () => {
  it('round robin gives every endpoint the same count over whole cycles', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer(),
        (n, cycles, seed) => {
          const balancer = loadBalancer(new EndpointSet(ids(n)), roundRobin(), {
            random: seededRandom(seed),
          });
          const counts = countPicks(balancer, n * cycles);
          expect([...counts.values()].every((c) => c === cycles)).toBe(true);
          expect(counts.size).toBe(n);
        },
      ),
    );
  });

  it('weighted random follows the weights', () => {
    const set = new EndpointSet([
      { id: 'a', weight: 1 },
      { id: 'b', weight: 3 },
    ]);
    const balancer = loadBalancer(set, weightedRandom(), { random: seededRandom(1) });
    const counts = countPicks(balancer, 40_000);
    expect(counts.get('b')! / 40_000).toBeGreaterThan(0.73);
    expect(counts.get('b')! / 40_000).toBeLessThan(0.77);
  });
});

describe('power of two choices', () => {
  const algorithms: Record<string, () => BalancingAlgorithm> = {
    'least outstanding': () => leastOutstanding(),
    'least outstanding, 3 choices': () => leastOutstanding({ choices: 3 }),
    'peak EWMA': () => peakEwma(),
  };

  for (const [name, make] of Object.entries(algorithms)) {
    it(`${name} never picks an ejected endpoint`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 3, max: 30 }), fc.integer(), (n, seed) => {
          const clock = new VirtualClock();
          const set = new EndpointSet(ids(n));
          const balancer = loadBalancer(set, make(), {
            clock,
            random: seededRandom(seed),
            outlierDetection: { consecutive5xx: 1, maxEjectionPercent: 100 },
          });
          // Eject a random third of the endpoints.
          const bad = new Set(
            ids(n)
              .filter((_, i) => i % 3 === seed % 3 || i === 0)
              .map((e) => e.id),
          );
          for (const id of bad) balancer.report(set.get(id)!, { latencyMs: 1, ok: false, status: 503 });
          for (let i = 0; i < 300; i++) {
            const endpoint = balancer.pick();
            expect(bad.has(endpoint.id)).toBe(false);
            if (i % 2) balancer.report(endpoint, { latencyMs: 1 + (i % 7), ok: true });
          }
          balancer.dispose();
        }),
        { numRuns: 40 },
      );
    });
  }

  it('least outstanding keeps outstanding counts level when nothing completes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer(), (n, seed) => {
        const balancer = loadBalancer(new EndpointSet(ids(n)), leastOutstanding(), {
          random: seededRandom(seed),
        });
        for (let i = 0; i < 40 * n; i++) balancer.pick();
        const loads = balancer.stats().map((s) => s.outstanding);
        // Random placement would spread by about sqrt(40); two choices keep it to a few calls.
        expect(Math.max(...loads) - 40).toBeLessThanOrEqual(3);
      }),
      { numRuns: 30 },
    );
  });

  it('peak EWMA jumps to a slow sample and decays back with time', () => {
    const clock = new VirtualClock();
    const set = new EndpointSet(ids(2));
    const balancer = loadBalancer(set, peakEwma({ decayMs: 1000 }), { clock, random: seededRandom(1) });
    const h0 = set.get('h0')!;
    balancer.pick();
    balancer.report(h0, { latencyMs: 10, ok: true });
    clock.advance(10);
    balancer.report(h0, { latencyMs: 500, ok: true });
    expect(balancer.stats()[0]!.latencyEstimateMs).toBe(500);
    clock.advance(1000);
    balancer.report(h0, { latencyMs: 10, ok: true });
    const estimate = balancer.stats()[0]!.latencyEstimateMs!;
    expect(estimate).toBeCloseTo(500 * Math.exp(-1) + 10 * (1 - Math.exp(-1)), 6);
    // Half sensitivity takes only half of a rise.
    const damped = loadBalancer(set, peakEwma({ peakSensitivity: 0.5 }), { clock });
    damped.report(h0, { latencyMs: 100, ok: true });
    damped.report(h0, { latencyMs: 300, ok: true });
    expect(damped.stats()[0]!.latencyEstimateMs).toBe(200);
  });
});

describe('consistent hash balancers', () => {
  for (const make of [() => ringHash(), () => maglevHash({ tableSize: 1009 })]) {
    it(`${make().name} keeps key affinity and moves few keys when an endpoint leaves`, () => {
      const set = new EndpointSet(ids(8));
      const balancer = loadBalancer(set, make());
      const before = Array.from({ length: 2000 }, (_, i) => balancer.pick(`user:${i}`).id);
      expect(Array.from({ length: 2000 }, (_, i) => balancer.pick(`user:${i}`).id)).toEqual(before);
      set.remove('h3');
      const after = Array.from({ length: 2000 }, (_, i) => balancer.pick(`user:${i}`).id);
      const moved = before.filter((id, i) => id !== after[i]).length;
      const owned = before.filter((id) => id === 'h3').length;
      expect(after.includes('h3')).toBe(false);
      expect(moved).toBeGreaterThanOrEqual(owned);
      expect(moved).toBeLessThan(owned * 1.6);
    });
  }

  it('bounded loads cap every host at ceil(factor × (outstanding + 1) / n)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 10 }),
        fc.double({ min: 1.05, max: 2, noNaN: true }),
        (n, factor) => {
          for (const algorithm of [
            ringHash({ balanceFactor: factor }),
            maglevHash({ tableSize: 1009, balanceFactor: factor }),
          ]) {
            const balancer = loadBalancer(new EndpointSet(ids(n)), algorithm);
            for (let i = 0; i < 300; i++) {
              const total = i;
              balancer.pick('the-same-hot-key');
              const max = Math.max(...balancer.stats().map((s) => s.outstanding));
              expect(max).toBeLessThanOrEqual(Math.ceil((factor * (total + 1)) / n));
            }
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('balancer basics', () => {
  it('throws NoEndpointError on an empty set and picks up members added later', () => {
    const set = new EndpointSet();
    const balancer = loadBalancer(set, roundRobin());
    expect(isNoEndpointError(catchError(() => balancer.pick()))).toBe(true);
    set.add({ id: 'late' });
    expect(balancer.pick().id).toBe('late');
    balancer.report({ id: 'gone', weight: 1, metadata: undefined }, { latencyMs: 1, ok: true });
    balancer.release({ id: 'gone', weight: 1, metadata: undefined });
    expect(balancer.stats()).toEqual([
      { id: 'late', outstanding: 1, effectiveWeight: 1, ejected: false, latencyEstimateMs: undefined },
    ]);
    balancer.dispose();
    set.add({ id: 'after-dispose' });
  });

  it('rejects bad algorithm options and balancer options, naming the field', () => {
    const set = new EndpointSet(ids(2));
    const attempts: [() => unknown, string][] = [
      [() => leastOutstanding({ choices: 0 }), 'choices'],
      [() => leastOutstanding({ choice: 2 } as never), 'options.choice'],
      [() => peakEwma({ decayMs: 0 }), 'decayMs'],
      [() => peakEwma({ peakSensitivity: 1.5 }), 'peakSensitivity'],
      [() => peakEwma({ unmeasuredPenalty: -1 }), 'unmeasuredPenalty'],
      [() => peakEwma({ choices: 1.5 }), 'choices'],
      [() => ringHash({ vnodes: 0 }), 'vnodes'],
      [() => ringHash({ balanceFactor: 1 }), 'balanceFactor'],
      [() => maglevHash({ tableSize: 1000 }), 'tableSize'],
      [() => maglevHash({ size: 7 } as never), 'options.size'],
      [() => loadBalancer(set, {} as never), 'algorithm'],
      [() => loadBalancer(set, roundRobin(), { clock: 5 } as never), 'options.clock'],
      [() => loadBalancer(set, roundRobin(), { random: 'x' } as never), 'options.random'],
      [() => loadBalancer(set, roundRobin(), { retries: 1 } as never), 'options.retries'],
      [() => loadBalancer(set, roundRobin(), { slowStart: { windowMs: 0 } }), 'options.slowStart.windowMs'],
      [() => loadBalancer(set, roundRobin(), { slowStart: {} as never }), 'options.slowStart.windowMs'],
      [
        () => loadBalancer(set, roundRobin(), { slowStart: { windowMs: 5, aggression: 0 } }),
        'options.slowStart.aggression',
      ],
      [
        () => loadBalancer(set, roundRobin(), { slowStart: { windowMs: 5, minWeightPercent: 101 } }),
        'options.slowStart.minWeightPercent',
      ],
      [
        () => loadBalancer(set, roundRobin(), { slowStart: { windowMs: 5, ramp: 1 } as never }),
        'options.slowStart.ramp',
      ],
      [
        () => loadBalancer(set, roundRobin(), { outlierDetection: { consecutive5xx: 0 } }),
        'options.outlierDetection.consecutive5xx',
      ],
      [
        () => loadBalancer(set, roundRobin(), { outlierDetection: { maxEjectionPercent: 120 } }),
        'options.outlierDetection.maxEjectionPercent',
      ],
      [
        () => loadBalancer(set, roundRobin(), { outlierDetection: { intervalMs: 0 } }),
        'options.outlierDetection.intervalMs',
      ],
      [
        () => loadBalancer(set, roundRobin(), { outlierDetection: { alwaysEjectOneHost: 1 } as never }),
        'options.outlierDetection.alwaysEjectOneHost',
      ],
      [
        () => loadBalancer(set, roundRobin(), { outlierDetection: { interval: 1 } as never }),
        'options.outlierDetection.interval',
      ],
    ];
    for (const [attempt, field] of attempts) {
      const caught = catchError(attempt);
      expect(isInvalidOptionError(caught), field).toBe(true);
      expect((caught as { field: string }).field).toBe(field);
    }
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
