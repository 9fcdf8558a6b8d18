import { describe, expect, it } from 'vitest';
import { main as discoverySlowStart } from './discovery-slow-start.js';
import { main as latencyAware } from './latency-aware.js';
import { main as outlierEjection } from './outlier-ejection.js';
import { main as sessionAffinity } from './session-affinity.js';

describe('load balancing examples', () => {
  it('latency-aware: peak EWMA keeps p99 near the healthy latency, round robin does not', async () => {
    const { roundRobin, peakEwma } = await latencyAware();
    expect(roundRobin.p99Ms).toBeGreaterThan(200);
    expect(peakEwma.p99Ms).toBeLessThan(100);
    expect(roundRobin.slowShare).toBeGreaterThan(0.15);
    expect(peakEwma.slowShare).toBeLessThan(0.03);
  });

  it('outlier ejection: ejected at the 5th 503, back after 30 s, then 60 s', async () => {
    const { log, servedWhileEjected } = await outlierEjection();
    expect(log[0]).toMatch(/^0s api-3 ejected \(consecutive-5xx\) for 30s$/);
    expect(log[1]).toBe('30s api-3 back in service');
    expect(log[2]).toMatch(/^30s api-3 ejected \(consecutive-5xx\) for 60s$/);
    expect(log[3]).toBe('90s api-3 back in service');
    expect(log).toHaveLength(4);
    expect(servedWhileEjected).not.toContain('api-3');
    expect(servedWhileEjected).toHaveLength(9);
  });

  it('session affinity: stable placement, minimal movement, bounded hot key', async () => {
    const result = await sessionAffinity();
    expect(result.stable).toBe(true);
    expect(result.movedWereOnR2).toBe(true);
    expect(result.moved).toBe(result.onR2Before);
    // 20 calls over 5 replicas with factor 1.25: no replica holds more than ceil(1.25 × 20 / 5) = 5.
    expect(Math.max(...Object.values(result.hotSpread))).toBeLessThanOrEqual(5);
    expect(Object.values(result.hotSpread).reduce((a, b) => a + b, 0)).toBe(20);
  });

  it('discovery + slow start: snapshots become diffs, the newcomer ramps up', async () => {
    const { changes, shareOfNewcomer } = await discoverySlowStart();
    expect(changes).toEqual(['added web-a', 'added web-b', 'added web-c']);
    expect(shareOfNewcomer[0]).toBeLessThan(8);
    expect(shareOfNewcomer[6]).toBeGreaterThan(28);
    for (let i = 1; i < shareOfNewcomer.length; i++)
      expect(shareOfNewcomer[i]!).toBeGreaterThanOrEqual(shareOfNewcomer[i - 1]! - 2);
  });
});
