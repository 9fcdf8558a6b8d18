import { VirtualClock } from '@keel/core/clock';
import { seededRandom } from '@keel/core/random';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundRobin } from './algorithms/round-robin.js';
import { EndpointSet } from './endpoint-set.js';
import { isNoEndpointError } from './errors.js';
import { type BalancerEvent, loadBalancer } from './load-balancer.js';
import { DEFAULT_OUTLIER_DETECTION_OPTIONS, isServerFailure } from './outlier-detection.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `h${i}` }));
const fail = { latencyMs: 1, ok: false, status: 503 } as const;
const succeed = { latencyMs: 1, ok: true, status: 200 } as const;

function setup(n: number, outlierDetection: object = {}) {
  const clock = new VirtualClock();
  const set = new EndpointSet(ids(n));
  const balancer = loadBalancer(set, roundRobin(), { clock, outlierDetection, random: seededRandom(1) });
  const events: BalancerEvent[] = [];
  balancer.events((event) => events.push(event));
  const ejected = () =>
    balancer
      .stats()
      .filter((s) => s.ejected)
      .map((s) => s.id);
  return { clock, set, balancer, events, ejected };
}

describe('outlier detection', () => {
  it("uses Envoy's defaults", () => {
    expect(DEFAULT_OUTLIER_DETECTION_OPTIONS).toMatchObject({
      consecutive5xx: 5,
      intervalMs: 10_000,
      baseEjectionTimeMs: 30_000,
      maxEjectionPercent: 10,
      successRateStdevFactor: 1900,
      successRateRequestVolume: 100,
      successRateMinimumHosts: 5,
      enforcingFailurePercentage: 0,
      failurePercentageThreshold: 85,
    });
  });

  it('ejects after 5 consecutive server errors, not after 4 or after client errors', () => {
    const { set, balancer, events, ejected } = setup(10);
    const h0 = set.get('h0')!;
    for (let i = 0; i < 4; i++) balancer.report(h0, fail);
    balancer.report(h0, succeed);
    for (let i = 0; i < 4; i++) balancer.report(h0, fail);
    // A client error is not the endpoint's fault: like a success, it breaks the run.
    balancer.report(h0, { latencyMs: 1, ok: false, status: 404 });
    for (let i = 0; i < 4; i++) balancer.report(h0, { latencyMs: 1, ok: false }); // connection failures
    expect(ejected()).toEqual([]);
    balancer.report(h0, { latencyMs: 1, ok: false });
    expect(ejected()).toEqual(['h0']);
    expect(events).toEqual([
      { kind: 'ejected', endpoint: h0, reason: 'consecutive-5xx', durationMs: 30_000, ejections: 1 },
    ]);
    for (let i = 0; i < 50; i++) expect(balancer.pick().id).not.toBe('h0');
    balancer.dispose();
  });

  it('returns the endpoint at the first sweep after base × ejections, and backs off on repeat', () => {
    const { clock, set, balancer, events, ejected } = setup(10);
    const h0 = set.get('h0')!;
    for (let i = 0; i < 5; i++) balancer.report(h0, fail);
    clock.advance(29_999);
    expect(ejected()).toEqual(['h0']);
    clock.advance(1); // the sweep at 30 s sees the 30 s ejection over
    expect(ejected()).toEqual([]);
    expect(events.at(-1)).toEqual({ kind: 'returned', endpoint: h0 });
    for (let i = 0; i < 5; i++) balancer.report(h0, fail);
    expect(events.at(-1)).toMatchObject({ kind: 'ejected', durationMs: 60_000, ejections: 2 });
    clock.advance(50_000);
    expect(ejected()).toEqual(['h0']);
    clock.advance(10_000);
    expect(ejected()).toEqual([]);
    balancer.dispose();
  });

  it('never ejects more than maxEjectionPercent (at least one), whatever fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        (n, percent, failures) => {
          const { set, balancer, ejected } = setup(n, { maxEjectionPercent: percent, consecutive5xx: 2 });
          for (const f of failures) balancer.report(set.endpoints[f % n]!, fail);
          const cap = Math.max(1, Math.floor((n * percent) / 100));
          expect(ejected().length).toBeLessThanOrEqual(cap);
          balancer.dispose();
        },
      ),
    );
  });

  it('alwaysEjectOneHost: false keeps a strict cap', () => {
    const { set, balancer, ejected } = setup(5, { alwaysEjectOneHost: false });
    for (let i = 0; i < 5; i++) balancer.report(set.get('h0')!, fail);
    expect(ejected()).toEqual([]);
    balancer.dispose();
  });

  it('success-rate analysis ejects an endpoint far below the others at the sweep', () => {
    const { clock, set, balancer, events, ejected } = setup(10, { consecutive5xx: 1000 });
    for (const endpoint of set.endpoints) {
      for (let i = 0; i < 200; i++) {
        const bad = endpoint.id === 'h7' && i % 2 === 0;
        balancer.report(endpoint, bad ? fail : succeed);
      }
    }
    expect(ejected()).toEqual([]);
    clock.advance(10_000);
    expect(ejected()).toEqual(['h7']);
    expect(events[0]).toMatchObject({ kind: 'ejected', reason: 'success-rate' });
    balancer.dispose();
  });

  it('success-rate analysis needs minimum hosts and volume', () => {
    const { clock, set, balancer, ejected } = setup(4, { consecutive5xx: 1000 });
    for (const endpoint of set.endpoints)
      for (let i = 0; i < 200; i++) balancer.report(endpoint, endpoint.id === 'h1' && i % 2 ? fail : succeed);
    clock.advance(10_000);
    expect(ejected()).toEqual([]);
    balancer.dispose();
  });

  it('failure-percentage analysis when enforced', () => {
    const { clock, set, balancer, events, ejected } = setup(10, {
      consecutive5xx: 1000,
      enforcingSuccessRate: 0,
      enforcingFailurePercentage: 100,
    });
    for (const endpoint of set.endpoints)
      for (let i = 0; i < 60; i++)
        balancer.report(endpoint, endpoint.id === 'h2' && i % 10 !== 0 ? fail : succeed);
    clock.advance(10_000);
    expect(ejected()).toEqual(['h2']);
    expect(events[0]).toMatchObject({ reason: 'failure-percentage' });
    balancer.dispose();
  });

  it('enforcing percentages below 100 eject only sometimes', () => {
    let ejections = 0;
    for (let seed = 0; seed < 200; seed++) {
      const set = new EndpointSet(ids(10));
      const balancer = loadBalancer(set, roundRobin(), {
        clock: new VirtualClock(),
        random: seededRandom(seed),
        outlierDetection: { enforcingConsecutive5xx: 30 },
      });
      for (let i = 0; i < 5; i++) balancer.report(set.get('h0')!, fail);
      if (balancer.stats()[0]!.ejected) ejections++;
      balancer.dispose();
    }
    expect(ejections).toBeGreaterThan(35);
    expect(ejections).toBeLessThan(85);
  });

  it('with every endpoint ejected, pick throws NoEndpointError', () => {
    const { set, balancer } = setup(1);
    for (let i = 0; i < 5; i++) balancer.report(set.get('h0')!, fail);
    let caught: unknown;
    try {
      balancer.pick();
    } catch (error) {
      caught = error;
    }
    expect(isNoEndpointError(caught)).toBe(true);
    expect(caught).toMatchObject({ total: 1, ejected: 1 });
    balancer.dispose();
  });

  it('dispose stops the sweeps', () => {
    const { clock, balancer } = setup(3);
    expect(clock.pendingTimers).toBe(1);
    balancer.dispose();
    clock.advance(100_000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('isServerFailure counts 5xx and status-less failures only', () => {
    expect(isServerFailure({ ok: false, status: 500 })).toBe(true);
    expect(isServerFailure({ ok: false })).toBe(true);
    expect(isServerFailure({ ok: false, status: 429 })).toBe(false);
    expect(isServerFailure({ ok: true, status: 503 })).toBe(false);
  });
});
