/**
 * Graceful shutdown with a Fetch-style handler: on the termination signal readiness turns 503
 * at once while liveness stays 200; the process waits the grace period on the clock so load
 * balancers stop sending traffic before it closes.
 */
import { VirtualClock } from '@keel/core/clock';
import { createFetchHealthHandler, healthService } from '@keel/core/health-check';

export async function main() {
  const clock = new VirtualClock();
  const health = healthService({ clock, shutdownGraceMs: 15_000 });
  const handle = createFetchHealthHandler(health);
  const probe = async (path: string) => (await handle(new Request(`http://pod${path}`))).status;
  const states: string[] = [];
  health.onStateChange(({ to }) => states.push(to.kind));

  const beforeSigterm = { readyz: await probe('/readyz'), livez: await probe('/livez') };

  let closedAt: number | undefined;
  const draining = health.drain().then(() => {
    closedAt = clock.now(); // here a real server would call server.close()
  });
  const duringGrace = { readyz: await probe('/readyz'), livez: await probe('/livez') };
  const body = await (await handle(new Request('http://pod/readyz'))).json();

  await clock.advanceAsync(15_000);
  await draining;

  return { beforeSigterm, duringGrace, body, closedAt, states };
}
