/**
 * Passive health checking with Envoy's defaults: an endpoint that answers five 503s in a row is
 * ejected for 30 s, returns at the next 10 s sweep after that, and is ejected for 60 s if it
 * fails again. At most 10% of endpoints are ejected at once (but always at least one).
 */
import { VirtualClock } from '@keel/core/clock';
import { EndpointSet, loadBalancer, smoothWeightedRoundRobin } from '@keel/core/load-balancing';

export async function main() {
  const clock = new VirtualClock();
  const endpoints = new EndpointSet(Array.from({ length: 10 }, (_, i) => ({ id: `api-${i}` })));
  const balancer = loadBalancer(endpoints, smoothWeightedRoundRobin(), { clock, outlierDetection: true });
  const log: string[] = [];
  balancer.events((event) => {
    const at = `${clock.now() / 1000}s`;
    log.push(
      event.kind === 'ejected'
        ? `${at} ${event.endpoint.id} ejected (${event.reason}) for ${event.durationMs / 1000}s`
        : `${at} ${event.endpoint.id} back in service`,
    );
  });
  const broken = new Set(['api-3']);
  const call = () => {
    const endpoint = balancer.pick();
    const status = broken.has(endpoint.id) ? 503 : 200;
    balancer.report(endpoint, { latencyMs: 3, ok: status === 200, status });
    return endpoint.id;
  };

  for (let i = 0; i < 60; i++) call(); // api-3 fails its 5th call in a row and is ejected
  const whileEjected = new Set(Array.from({ length: 90 }, call));
  clock.advance(30_000); // the sweep at 30 s returns it
  for (let i = 0; i < 60; i++) call(); // still broken: ejected again, for twice as long
  clock.advance(60_000);
  broken.clear();
  for (let i = 0; i < 20; i++) call();
  balancer.dispose();
  for (const line of log) console.log(line);
  return { log, servedWhileEjected: [...whileEjected].sort() };
}
