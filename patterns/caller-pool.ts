/**
 * A caller that holds at most a fixed number of calls at once, like a server's pool of threads or
 * connections: the timeout and bulkhead scenarios show what fills it and what keeps it free.
 */
import type { World } from '@keel/sim';

/** Runs one call in the pool, or refuses it at once when the pool is full. */
export type CallerPool = (work: () => Promise<unknown>) => Promise<unknown>;

/**
 * A pool of `capacity` concurrent calls whose use the gauge `gauge` shows. A call that finds
 * every slot taken fails at once with `refusal`: one shared error, so a saturated pool that
 * refuses thousands of calls builds no stack for each.
 *
 * @example
 * ```ts
 * import { World } from '@keel/sim';
 * import { callerPool } from './caller-pool.js';
 * const world = new World({ seed: 1 });
 * const pool = callerPool(world, 'pool', 100, new Error('no free slot'));
 * void pool(() => world.call('client', 'api', 'work')).catch(() => undefined);
 * ```
 */
export function callerPool(world: World, gauge: string, capacity: number, refusal: Error): CallerPool {
  const inUse = world.metrics.gauge(gauge);
  inUse.set(0);
  return async (work) => {
    if (inUse.value >= capacity) throw refusal;
    inUse.add(1);
    try {
      return await work();
    } finally {
      inUse.add(-1);
    }
  };
}
