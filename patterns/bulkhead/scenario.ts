import { adaptiveBulkhead, bulkhead, gradient2 } from '@keel/core/bulkhead';
import { rateLimiter, tokenBucket } from '@keel/core/rate-limiter';
import {
  constant,
  constantRate,
  defineScenario,
  lognormal,
  measures,
  openLoop,
  row,
  runVariants,
  spike,
  type World,
} from '@keel/sim';
import { callerPool } from '../caller-pool.js';
import { successPercent } from '../scenario-kit.js';

/** Rejection of a call the caller had no room for: its shared pool was full. */
class PoolExhaustedError extends Error {
  override readonly name = 'PoolExhaustedError';
}

/** One shared instance, so a saturated pool does not build a stack per refused call. */
const exhausted = new PoolExhaustedError('the shared pool of calls is full');

/**
 * One dependency turns slow; without bulkheads its calls take over the caller's shared pool and
 * calls to a healthy dependency starve.
 *
 * @example
 * ```ts
 * import { bulkheadScenario } from './scenario.js';
 * const knobs = { rps: 100, slowdownAtMs: 5_000, slowMs: 2_000, poolSize: 100, bulkheadSize: 40 };
 * const result = await bulkheadScenario.run(1, knobs, { durationMs: 30_000 });
 * console.log(result.summary.rows[0]);
 * ```
 */
export const bulkheadScenario = defineScenario({
  id: 'bulkhead',
  name: 'Bulkheads between a slow and a healthy dependency',
  description:
    'A service calls two dependencies, inventory and pricing, at the same rate, through one pool of ' +
    'concurrent calls (its threads or sockets). After a few seconds pricing slows to about two seconds ' +
    'per call while inventory stays fast. Without bulkheads pricing calls pile up until they hold the ' +
    'whole pool, and inventory calls, healthy as the dependency is, find no free slot. With a bulkhead ' +
    'per dependency, pricing may hold at most its share of the pool and is refused beyond it, so ' +
    'inventory calls keep their room and keep succeeding at their usual latency. Success rates and ' +
    'latencies count the calls made after the slowdown began.',
  knobs: {
    rps: {
      type: 'number',
      label: 'Load per dependency',
      default: 100,
      min: 10,
      max: 1_000,
      step: 10,
      unit: 'req/s',
    },
    slowdownAtMs: {
      type: 'number',
      label: 'Slowdown start',
      default: 5_000,
      min: 0,
      max: 600_000,
      step: 1_000,
      unit: 'ms',
    },
    slowMs: {
      type: 'number',
      label: 'Slow latency',
      description: 'Latency of the slow dependency once it slows down.',
      default: 2_000,
      min: 10,
      max: 30_000,
      step: 10,
      unit: 'ms',
    },
    poolSize: {
      type: 'number',
      label: 'Shared pool',
      default: 100,
      min: 2,
      max: 2_000,
      step: 1,
      unit: 'calls',
    },
    bulkheadSize: {
      type: 'number',
      label: 'Bulkhead per dependency',
      default: 40,
      min: 1,
      max: 2_000,
      step: 1,
      unit: 'calls',
    },
  },
  defaultDurationMs: 60_000,
  run: (seed, knobs, options) => {
    const build = (
      world: World,
      send: (dependency: 'inventory' | 'pricing', call: () => Promise<unknown>) => Promise<unknown>,
    ): void => {
      world.service('inventory', { concurrency: 1_000, serviceTime: lognormal(10, 0.3) });
      world.service('pricing', { concurrency: 1_000, serviceTime: lognormal(10, 0.3) });
      world.node('client');
      // The brown-out multiplies service times; a factor turns about 10 ms into `slowMs`.
      world.faults([
        {
          at: knobs.slowdownAtMs,
          duration: Number.POSITIVE_INFINITY,
          fault: { kind: 'brownout', service: 'pricing', slowdown: knobs.slowMs / 10, errorRate: 0 },
        },
      ]);
      const pool = callerPool(world, 'pool', knobs.poolSize, exhausted);
      for (const dependency of ['inventory', 'pricing'] as const) {
        const call = (): Promise<unknown> => world.call('client', dependency, 'work');
        // Outcomes of calls made once the slowdown has begun, the period the comparison is about.
        const ok = world.metrics.counter(`${dependency}.slowed.ok`);
        const failed = world.metrics.counter(`${dependency}.slowed.failed`);
        const answered = world.metrics.latency(`${dependency}.slowed.answered`);
        openLoop(world.sim, constantRate(knobs.rps), () =>
          world.track(dependency, async () => {
            const start = world.clock.now();
            if (start < knobs.slowdownAtMs) return pool(() => send(dependency, call));
            try {
              const answer = await pool(() => send(dependency, call));
              ok.inc();
              answered.record(world.clock.now() - start);
              return answer;
            } catch (error) {
              failed.inc();
              throw error;
            }
          }),
        );
      }
    };
    return runVariants(
      seed,
      options,
      {
        baseline: (world) => build(world, (_dependency, call) => call()),
        pattern: (world) => {
          const compartments = {
            inventory: bulkhead({ maxConcurrent: knobs.bulkheadSize, clock: world.clock }),
            pricing: bulkhead({ maxConcurrent: knobs.bulkheadSize, clock: world.clock }),
          };
          build(world, (dependency, call) => compartments[dependency].execute(call));
        },
      },
      (metrics) => [
        row('Healthy dependency: successful calls', '%', 'higher', metrics, (m) =>
          successPercent(m.counters, 'inventory.slowed'),
        ),
        row(
          'Healthy dependency: p99 latency of answered calls',
          'ms',
          'lower',
          metrics,
          (m) => m.histograms['inventory.slowed.answered']?.p99 ?? Number.NaN,
        ),
        row('Slow dependency: successful calls', '%', 'higher', metrics, (m) =>
          successPercent(m.counters, 'pricing.slowed'),
        ),
        row('Peak pool use', 'calls', 'lower', metrics, (m) => m.gauges['pool']?.max ?? 0),
      ],
      { defaultLink: { latency: constant(1) } },
    );
  },
});

/**
 * Offered load jumps to twice what a service can do. Queueing everything makes every request
 * wait; shedding the excess at the door keeps the ones admitted fast.
 *
 * @example
 * ```ts
 * import { overloadScenario } from './scenario.js';
 * const knobs = { baseRps: 150, peakRps: 400, spikeAtMs: 5_000, spikeMs: 10_000, sloMs: 200, rateLimit: 180 };
 * const result = await overloadScenario.run(1, knobs, { durationMs: 30_000 });
 * console.log(result.summary.rows[0]);
 * ```
 */
export const overloadScenario = defineScenario({
  id: 'overload',
  name: 'Rate limiting and adaptive concurrency under overload',
  description:
    'A service that can do about 200 requests per second (two workers, 10 ms each) normally gets 150; ' +
    'for ten seconds it gets 400. The baseline queues everything: the queue grows by 200 requests every ' +
    'second of the spike, every request waits behind it, and the backlog takes long after the spike to ' +
    'drain, so goodput (requests answered within a 200 ms objective) collapses although the service ' +
    'never stops working. The pattern admits requests through a token-bucket rate limiter set just ' +
    'under capacity and an adaptive concurrency limit (Gradient2, which lowers the limit when latency ' +
    'rises above its long-term average); the excess is refused at once, the queue stays short, and ' +
    'goodput stays at the service’s capacity.',
  knobs: {
    baseRps: {
      type: 'number',
      label: 'Normal load',
      default: 150,
      min: 10,
      max: 1_000,
      step: 10,
      unit: 'req/s',
    },
    peakRps: {
      type: 'number',
      label: 'Spike load',
      default: 400,
      min: 10,
      max: 4_000,
      step: 10,
      unit: 'req/s',
    },
    spikeAtMs: {
      type: 'number',
      label: 'Spike start',
      default: 5_000,
      min: 0,
      max: 600_000,
      step: 1_000,
      unit: 'ms',
    },
    spikeMs: {
      type: 'number',
      label: 'Spike length',
      default: 10_000,
      min: 0,
      max: 600_000,
      step: 1_000,
      unit: 'ms',
    },
    sloMs: {
      type: 'number',
      label: 'Latency objective',
      description: 'A request answered later than this does not count as goodput.',
      default: 200,
      min: 10,
      max: 10_000,
      step: 10,
      unit: 'ms',
    },
    rateLimit: {
      type: 'number',
      label: 'Rate limit',
      default: 180,
      min: 1,
      max: 4_000,
      step: 10,
      unit: 'req/s',
    },
  },
  defaultDurationMs: 60_000,
  run: (seed, knobs, options) => {
    const build = (world: World, send: (call: () => Promise<unknown>) => Promise<unknown>): void => {
      world.service('api', { concurrency: 2, serviceTime: lognormal(10, 0.2) });
      world.node('client');
      const good = world.metrics.counter('goodput');
      const answered = world.metrics.latency('answered.latency');
      const call = (): Promise<unknown> => world.call('client', 'api', 'work');
      const load = spike(knobs.baseRps, knobs.peakRps, knobs.spikeAtMs, knobs.spikeMs);
      openLoop(world.sim, load, () =>
        world.track('req', async () => {
          const start = world.clock.now();
          const answer = await send(call);
          const latency = world.clock.now() - start;
          answered.record(latency);
          if (latency <= knobs.sloMs) good.inc();
          return answer;
        }),
      );
    };
    return runVariants(
      seed,
      options,
      {
        baseline: (world) => build(world, (call) => call()),
        pattern: (world) => {
          const admission = rateLimiter(
            tokenBucket({
              capacity: Math.max(1, knobs.rateLimit / 10),
              refillPerSecond: knobs.rateLimit,
              clock: world.clock,
            }),
          );
          const concurrency = adaptiveBulkhead(gradient2({ initialLimit: 4, minLimit: 1, maxLimit: 50 }), {
            clock: world.clock,
          });
          build(world, (call) => admission.execute(() => concurrency.execute(call)));
        },
      },
      (metrics) => [
        row('Goodput', 'req/s', 'higher', metrics, (m) =>
          perSecond(m.counters['goodput'] ?? 0, options.durationMs),
        ),
        row('p99 latency of answered requests', 'ms', 'lower', metrics, measures.latency('answered', 'p99')),
        row(
          'Requests refused at once',
          '%',
          'lower',
          metrics,
          (m) => 100 - successPercent(m.counters, 'req'),
        ),
      ],
      { defaultLink: { latency: constant(1) } },
    );
  },
});

function perSecond(count: number, durationMs: number): number {
  return (count * 1000) / durationMs;
}
