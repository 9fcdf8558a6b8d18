/**
 * A discovery snapshot feeding a balancer: `replaceAll` applies each new snapshot as a diff, and
 * an instance that joins later ramps up over a 60 s slow-start window instead of taking its
 * full share cold.
 */
import { VirtualClock } from '@keel/core/clock';
import { EndpointSet, leastOutstanding, loadBalancer } from '@keel/core/load-balancing';
import { seededRandom } from '@keel/core/random';

export async function main() {
  const clock = new VirtualClock();
  const endpoints = new EndpointSet<{ zone: string }>();
  const balancer = loadBalancer(endpoints, leastOutstanding(), {
    clock,
    random: seededRandom(1),
    slowStart: { windowMs: 60_000, aggression: 1, minWeightPercent: 10 },
  });
  const changes: string[] = [];
  endpoints.changed((change) => changes.push(`${change.kind} ${change.endpoint.id}`));

  // What a registry would deliver: full snapshots.
  endpoints.replaceAll([
    { id: 'web-a', metadata: { zone: 'eu-1a' } },
    { id: 'web-b', metadata: { zone: 'eu-1b' } },
  ]);
  clock.advance(120_000); // both are warm now
  endpoints.replaceAll([
    { id: 'web-a', metadata: { zone: 'eu-1a' } },
    { id: 'web-b', metadata: { zone: 'eu-1b' } },
    { id: 'web-c', metadata: { zone: 'eu-1c' } },
  ]);

  const shareOfNewcomer: number[] = [];
  for (let step = 0; step <= 6; step++) {
    let picked = 0;
    for (let i = 0; i < 3000; i++) {
      const endpoint = balancer.pick();
      if (endpoint.id === 'web-c') picked++;
      balancer.report(endpoint, { latencyMs: 10, ok: true });
    }
    shareOfNewcomer.push(Math.round((100 * picked) / 3000));
    clock.advance(10_000);
  }
  console.log(`web-c share every 10 s: ${shareOfNewcomer.join('% ')}%`);
  return { changes, shareOfNewcomer };
}
