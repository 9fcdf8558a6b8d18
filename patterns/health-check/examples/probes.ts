/**
 * Liveness versus readiness during a database outage: readiness fails so traffic moves away,
 * liveness keeps passing so nothing restarts. A non-critical cache only degrades to warn.
 * Runs on a virtual clock, so the cache TTL and timeouts take no real time.
 */
import { VirtualClock } from '@keel/core/clock';
import { healthService } from '@keel/core/health-check';

export async function main() {
  const clock = new VirtualClock();
  let databaseUp = true;
  let databaseQueries = 0;

  const health = healthService({
    clock,
    serviceId: 'orders-1',
    checks: [
      {
        name: 'database',
        measurement: 'responseTime',
        componentType: 'datastore',
        cacheMs: 2_000,
        check: () => {
          databaseQueries++;
          if (!databaseUp) throw new Error('connection refused');
          return { observedValue: 3, observedUnit: 'ms' };
        },
      },
      {
        name: 'recommendations',
        critical: false,
        check: () => ({ status: 'fail', output: 'upstream returns 500' }),
      },
      { name: 'eventLoop', probes: ['liveness'], check: () => ({ observedValue: 1, observedUnit: 'ms' }) },
    ],
  });

  const healthy = await health.readiness();
  // A burst of probes inside the cache TTL costs the database nothing more.
  for (let i = 0; i < 10; i++) await health.readiness();
  const queriesAfterBurst = databaseQueries;

  databaseUp = false;
  await clock.advanceAsync(2_000);
  const outage = await health.readiness();
  const live = await health.liveness();

  return {
    before: healthy.status,
    queriesAfterBurst,
    duringOutage: { readiness: outage.status, liveness: live.status, output: outage.output },
  };
}
