/**
 * A real pool of worker threads scaled on its backlog: 40 queued jobs at a target of 10 per
 * worker ask for 4 workers; once the backlog is gone and the stabilization window has passed,
 * the pool goes back to one worker. Decisions run on a virtual clock so the windows pass
 * instantly; the threads and the jobs are real.
 */
import { autoscaler, HpaCalculator, queueDepthMetric } from '@keel/core/auto-scaling';
import { VirtualClock } from '@keel/core/clock';
import { threadPool } from '../../../scripts/autoscaling/thread-pool.js';

export async function main() {
  const clock = new VirtualClock();
  const pool = threadPool(new URL('../../../scripts/autoscaling/handlers/wait.mjs', import.meta.url));
  pool.setReplicas(1);
  await pool.settled();
  const loop = autoscaler({
    calculator: new HpaCalculator(8, { clock }),
    metrics: [
      queueDepthMetric('backlog', () => pool.queued + pool.inFlight().reduce((a, b) => a + b, 0), 10),
    ],
    actuator: pool,
    clock,
  });
  const scaled: string[] = [];
  loop.onEvent((e) => {
    if (e.type === 'scaled') scaled.push(`${e.from} -> ${e.to}`);
  });
  try {
    const jobs = Array.from({ length: 40 }, () => pool.submit({ ms: 20 }));
    await loop.sync();
    await pool.settled();
    const busyWorkers = pool.counts().ready;
    await Promise.all(jobs);
    clock.advance(301_000);
    await loop.sync();
    await pool.settled();
    return { scaled, busyWorkers, idleWorkers: pool.counts().ready };
  } finally {
    await pool.close();
  }
}
