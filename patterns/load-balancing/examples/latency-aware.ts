/**
 * Peak-EWMA against round robin when one of five backends degrades. All in virtual time: 200
 * requests per second for 30 s; after 10 s backend "b4" slows from ~20 ms to ~250 ms. Round robin
 * keeps sending it a fifth of the traffic; peak EWMA notices within a few calls and routes around
 * it, probing it now and then as its estimate decays.
 */
import { VirtualClock } from '@keel/core/clock';
import {
  type BalancingAlgorithm,
  EndpointSet,
  loadBalancer,
  peakEwma,
  roundRobin,
} from '@keel/core/load-balancing';
import { seededRandom } from '@keel/core/random';

function serve(algorithm: BalancingAlgorithm) {
  const clock = new VirtualClock();
  const jitter = seededRandom(42);
  const endpoints = new EndpointSet(['b0', 'b1', 'b2', 'b3', 'b4'].map((id) => ({ id })));
  const balancer = loadBalancer(endpoints, algorithm, { clock, random: seededRandom(7) });
  const latencies: number[] = [];
  let toSlowBackend = 0;
  for (let t = 0; t < 30_000; t += 5) {
    clock.setTimeout(() => {
      const endpoint = balancer.pick();
      const degraded = endpoint.id === 'b4' && clock.now() >= 10_000;
      if (degraded) toSlowBackend++;
      const latencyMs = (degraded ? 250 : 20) * (0.8 + 0.4 * jitter.next());
      clock.setTimeout(() => {
        balancer.report(endpoint, { latencyMs, ok: true, status: 200 });
        latencies.push(latencyMs);
      }, latencyMs);
    }, t);
  }
  clock.advance(31_000);
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
  return { p99Ms: Math.round(p99), slowShare: toSlowBackend / (latencies.length * (2 / 3)) };
}

export async function main() {
  const roundRobinResult = serve(roundRobin());
  const peakEwmaResult = serve(peakEwma({ decayMs: 10_000 }));
  console.log(`round robin: p99 ${roundRobinResult.p99Ms} ms; peak EWMA: p99 ${peakEwmaResult.p99Ms} ms`);
  return { roundRobin: roundRobinResult, peakEwma: peakEwmaResult };
}
