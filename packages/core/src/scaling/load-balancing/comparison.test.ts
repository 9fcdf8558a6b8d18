import { VirtualClock } from '@keel/core/clock';
import { seededRandom } from '@keel/core/random';
import { describe, expect, it } from 'vitest';
import type { BalancingAlgorithm } from './algorithms/algorithm.js';
import { leastOutstanding } from './algorithms/least-outstanding.js';
import { peakEwma } from './algorithms/peak-ewma.js';
import { roundRobin } from './algorithms/round-robin.js';
import { EndpointSet } from './endpoint-set.js';
import { loadBalancer } from './load-balancer.js';

/**
 * An open-loop workload on a virtual clock, with no simulator: 400 requests per second for 60 s
 * over ten backends. Eight answer in ~10 ms, one is a slower machine (~40 ms), and one degrades
 * from ~10 ms to ~400 ms after 20 s. Each backend slows down with its own concurrency
 * (latency × (1 + outstanding / 32)), so piling work onto a backend costs. Returns the latencies
 * of requests issued after the first 5 s.
 */
function run(algorithm: BalancingAlgorithm, seed: number): number[] {
  const clock = new VirtualClock();
  const random = seededRandom(seed);
  const jitter = seededRandom(seed + 1);
  const set = new EndpointSet(Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, metadata: i })));
  const balancer = loadBalancer(set, algorithm, { clock, random });
  const inFlight = new Map<string, number>();
  const base = (backend: number, now: number): number => {
    if (backend === 8) return 40;
    if (backend === 9 && now >= 20_000) return 400;
    return 10;
  };
  const latencies: number[] = [];
  const intervalMs = 2.5;
  for (let t = 0; t < 60_000; t += intervalMs) {
    clock.setTimeout(() => {
      const endpoint = balancer.pick();
      const busy = inFlight.get(endpoint.id) ?? 0;
      inFlight.set(endpoint.id, busy + 1);
      const latency =
        base(endpoint.metadata as number, clock.now()) * (1 + busy / 32) * (0.8 + 0.4 * jitter.next());
      const issuedAt = clock.now();
      clock.setTimeout(() => {
        inFlight.set(endpoint.id, inFlight.get(endpoint.id)! - 1);
        balancer.report(endpoint, { latencyMs: latency, ok: true, status: 200 });
        if (issuedAt >= 5_000) latencies.push(latency);
      }, latency);
    }, t);
  }
  // Let every request finish, however long the backlog on an overloaded backend.
  while (clock.pendingTimers > 0) clock.advance(60_000);
  balancer.dispose();
  return latencies;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

describe('latency-aware balancing against round robin (virtual time, no simulator)', () => {
  it("peak EWMA's p99 is far below round robin's with heterogeneous and degrading backends", () => {
    for (const seed of [1, 2, 3]) {
      const rr = run(roundRobin(), seed);
      const ewma = run(peakEwma(), seed);
      const p2c = run(leastOutstanding(), seed);
      expect(ewma.length).toBe(22_000);
      expect(rr.length).toBe(22_000);
      const p99 = { rr: percentile(rr, 0.99), ewma: percentile(ewma, 0.99), p2c: percentile(p2c, 0.99) };
      // Round robin sends a tenth of the traffic to the degraded backend: its p99 is that backend.
      expect(p99.rr).toBeGreaterThan(300);
      expect(p99.ewma * 4).toBeLessThan(p99.rr);
      // Queue length alone helps too, but latency awareness does better.
      expect(p99.ewma).toBeLessThan(p99.p2c);
    }
  });
});
