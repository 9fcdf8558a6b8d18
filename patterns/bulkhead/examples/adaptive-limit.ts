/**
 * An adaptive bulkhead in front of a backend whose latency changes. Sixty clients keep calling
 * (a closed loop, pausing briefly after a rejection). While the backend answers in a steady
 * 10 ms the Gradient2 limit climbs to its maximum. When the backend degrades and its latency
 * keeps rising, every sample is slower than the long-term average, so the limit is cut and
 * stays low, shedding load instead of queueing it. Once latency is back to normal, the limit
 * climbs again.
 */
import { adaptiveBulkhead, gradient2, isBulkheadRejectedError } from '@keel/core/bulkhead';
import { VirtualClock } from '@keel/core/clock';
import { sleep } from '@keel/core/signal';

export async function main() {
  const clock = new VirtualClock();
  const limit = gradient2({ initialLimit: 20, minLimit: 5, maxLimit: 50 });
  const pool = adaptiveBulkhead(limit, { clock });

  // Latency as a function of time: steady, then rising from 10 to 160 ms, then steady again.
  let latencyAt = (_now: number) => 10;
  let rejected = 0;
  let stopped = false;
  const backend = () => sleep(clock, latencyAt(clock.now()));

  const client = async () => {
    while (!stopped) {
      try {
        await pool.execute(backend);
      } catch (error) {
        if (!isBulkheadRejectedError(error)) throw error;
        rejected++;
        await sleep(clock, 5);
      }
    }
  };
  const clients = Array.from({ length: 60 }, client);

  await clock.advanceAsync(2_000);
  const healthy = pool.limit;

  let lowestWhileDegrading = pool.limit;
  const watch = pool.onLimitChange(({ to }) => {
    lowestWhileDegrading = Math.min(lowestWhileDegrading, to);
  });
  const degradeFrom = clock.now();
  latencyAt = (now) => 10 + (150 * (now - degradeFrom)) / 2_000;
  await clock.advanceAsync(2_000);
  const degraded = pool.limit;
  watch.dispose();

  latencyAt = () => 10;
  await clock.advanceAsync(4_000);
  const recovered = pool.limit;

  stopped = true;
  await clock.runAllAsync();
  await Promise.all(clients);
  return { healthy, lowestWhileDegrading, degraded, recovered, rejected };
}
