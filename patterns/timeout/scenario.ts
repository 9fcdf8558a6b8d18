import { hedging } from '@keel/core/hedging';
import { timeout } from '@keel/core/timeout';
import {
  bimodal,
  constant,
  constantRate,
  defineScenario,
  lognormal,
  measures,
  openLoop,
  row,
  runVariants,
  type World,
} from '@keel/sim';
import { callerPool } from '../caller-pool.js';
import { attemptsPerRequest, successPercent } from '../scenario-kit.js';

/** Rejection of a call the caller had no room for: its pool of concurrent calls was full. */
class CallerSaturatedError extends Error {
  override readonly name = 'CallerSaturatedError';
}

/** One shared instance: a saturated caller refuses thousands of calls, each without a stack. */
const saturated = new CallerSaturatedError('caller has no free slot for another call');

/**
 * A dependency starts hanging on a share of its calls; without a timeout every hung call holds
 * one of the caller's slots forever.
 *
 * @example
 * ```ts
 * import { timeoutScenario } from './scenario.js';
 * const result = await timeoutScenario.run(1, { rps: 200, hangRate: 0.1, timeoutMs: 250, capacity: 200 }, { durationMs: 30_000 });
 * console.log(result.summary.rows[0]);
 * ```
 */
export const timeoutScenario = defineScenario({
  id: 'timeout',
  name: 'Timeout against a hanging dependency',
  description:
    'A dependency answers most calls in about 20 ms but never answers a share of them. The caller holds ' +
    'at most a fixed number of calls at once, like a thread or connection pool. Without a timeout every ' +
    'unanswered call keeps its slot forever: the pool fills up and from then on the caller refuses ' +
    'everything. With a timeout each hung call gives its slot back after the limit, so the calls in ' +
    'flight stay bounded and healthy calls keep succeeding.',
  knobs: {
    rps: { type: 'number', label: 'Load', default: 200, min: 10, max: 2_000, step: 10, unit: 'req/s' },
    hangRate: {
      type: 'number',
      label: 'Hang rate',
      description: 'Share of calls the dependency never answers.',
      default: 0.1,
      min: 0,
      max: 0.5,
      step: 0.01,
    },
    timeoutMs: {
      type: 'number',
      label: 'Timeout',
      default: 250,
      min: 50,
      max: 5_000,
      step: 50,
      unit: 'ms',
    },
    capacity: {
      type: 'number',
      label: 'Caller capacity',
      description: 'Calls the caller can hold at once.',
      default: 200,
      min: 10,
      max: 2_000,
      step: 10,
      unit: 'calls',
    },
  },
  defaultDurationMs: 60_000,
  run: (seed, knobs, options) => {
    const build = (world: World, send: (signal?: AbortSignal) => Promise<unknown>): void => {
      world.service('api', {
        concurrency: 10_000,
        serviceTime: lognormal(20, 0.3),
        hangRate: knobs.hangRate,
      });
      world.node('client');
      const caller = callerPool(world, 'inflight', knobs.capacity, saturated);
      openLoop(world.sim, constantRate(knobs.rps), () => world.track('req', () => caller(() => send())));
    };
    return runVariants(
      seed,
      options,
      {
        baseline: (world) => build(world, () => world.call('client', 'api', 'work')),
        pattern: (world) => {
          const limit = timeout(knobs.timeoutMs, { clock: world.clock });
          build(world, () => limit.execute(({ signal }) => world.call('client', 'api', 'work', { signal })));
        },
      },
      (metrics) => [
        row('Peak calls in flight', 'calls', 'lower', metrics, (m) => m.gauges['inflight']?.max ?? 0),
        row('Calls in flight at the end', 'calls', 'lower', metrics, (m) => m.gauges['inflight']?.value ?? 0),
        row('Successful calls', '%', 'higher', metrics, (m) => successPercent(m.counters, 'req')),
      ],
      { defaultLink: { latency: constant(1) } },
    );
  },
});

/**
 * Heavy-tailed latency: most calls are fast, a few are very slow. Hedging sends a second copy
 * of a call that has not answered by the 95th percentile of recent latency, and takes whichever
 * answers first.
 *
 * @example
 * ```ts
 * import { hedgingScenario } from './scenario.js';
 * const result = await hedgingScenario.run(1, { rps: 200, slowShare: 0.02, percentile: 0.95, budget: 0.04 }, { durationMs: 30_000 });
 * console.log(result.summary.rows[0]);
 * ```
 */
export const hedgingScenario = defineScenario({
  id: 'hedging',
  name: 'Hedged requests against tail latency',
  description:
    'A replicated service answers most calls in about 10 ms, but a few calls (a garbage-collection ' +
    'pause, a cold cache) take about half a second. The baseline waits for whatever the first replica ' +
    'does. The pattern sends a second copy to another replica once a call has waited longer than the ' +
    '95th percentile of recent latencies, under a budget of 4% extra calls, and keeps the first answer. ' +
    'Dean and Barroso describe the technique in "The Tail at Scale" (Communications of the ACM, 2013): ' +
    'in their BigTable benchmark, hedging after the 95th-percentile latency cut the 99.9th-percentile ' +
    'latency from 1,800 ms to 74 ms while sending only 2% more requests.',
  knobs: {
    rps: { type: 'number', label: 'Load', default: 200, min: 10, max: 2_000, step: 10, unit: 'req/s' },
    slowShare: {
      type: 'number',
      label: 'Slow calls',
      description: 'Share of calls that hit the slow mode.',
      default: 0.02,
      min: 0,
      max: 0.2,
      step: 0.005,
    },
    percentile: {
      type: 'number',
      label: 'Hedge after',
      description: 'Latency percentile after which a second copy is sent.',
      default: 0.95,
      min: 0.5,
      max: 0.999,
      step: 0.005,
    },
    budget: {
      type: 'number',
      label: 'Hedge budget',
      description: 'Most extra calls, as a share of calls.',
      default: 0.04,
      min: 0,
      max: 1,
      step: 0.01,
    },
  },
  defaultDurationMs: 60_000,
  run: (seed, knobs, options) => {
    const replicas = ['replica-a', 'replica-b', 'replica-c'];
    const build = (world: World, send: () => Promise<unknown>): void => {
      for (const name of replicas)
        world.service(name, {
          concurrency: 1_000,
          serviceTime: bimodal(lognormal(10, 0.25), lognormal(500, 0.3), knobs.slowShare),
        });
      world.node('client');
      openLoop(world.sim, constantRate(knobs.rps), () => world.track('req', send));
    };
    return runVariants(
      seed,
      options,
      {
        baseline: (world) => {
          const sent = world.metrics.counter('attempts');
          let next = 0;
          build(world, () => {
            sent.inc();
            const replica = replicas[next++ % replicas.length]!;
            return world.call('client', replica, 'read');
          });
        },
        pattern: (world) => {
          const sent = world.metrics.counter('attempts');
          const policy = hedging({
            maxHedgedAttempts: 1,
            delay: { percentile: knobs.percentile, windowSize: 500, minSamples: 100, initialDelayMs: 100 },
            budget: knobs.budget > 0 ? { ratio: knobs.budget, minPerSecond: 0, maxTokens: 10 } : false,
            clock: world.clock,
          });
          let next = 0;
          build(world, () => {
            // Each call starts at its own replica; a hedge goes to the next one.
            const first = next++;
            return policy.execute(({ signal, attempt }) => {
              sent.inc();
              const replica = replicas[(first + attempt - 1) % replicas.length]!;
              return world.call('client', replica, 'read', { signal });
            });
          });
        },
      },
      (metrics) => [
        row('p99 latency', 'ms', 'lower', metrics, measures.latency('req', 'p99')),
        row('p50 latency', 'ms', 'lower', metrics, measures.latency('req', 'p50')),
        row('Calls sent per request', 'x', 'lower', metrics, (m) => attemptsPerRequest(m.counters)),
      ],
      { defaultLink: { latency: constant(1) } },
    );
  },
});
