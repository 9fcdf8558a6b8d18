import {
  constant as constantBackoff,
  exponential as exponentialBackoff,
  RetryBudget,
  type RetryPolicy,
  retry,
} from '@keel/core/retry';
import { timeout } from '@keel/core/timeout';
import {
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
import { crashForOutage, inOutage, outageKnobs } from '../outage.js';
import { attemptsPerRequest, successPercent } from '../scenario-kit.js';

/**
 * A dependency fails a share of calls at random, each failure independent of the last: the case
 * retries are made for.
 *
 * @example
 * ```ts
 * import { retryScenario } from './scenario.js';
 * const result = await retryScenario.run(1, { rps: 200, errorRate: 0.2, maxRetries: 3 }, { durationMs: 30_000 });
 * console.log(result.summary.rows[0]);
 * ```
 */
export const retryScenario = defineScenario({
  id: 'retry-backoff',
  name: 'Retries against transient errors',
  description:
    'A dependency fails a share of its calls at random, each failure independent of the others, as a ' +
    'dropped connection or a lost leader election would. The baseline passes every failure on. The ' +
    'pattern retries up to three times with exponential backoff and full jitter: a request now fails ' +
    'only if every attempt does, so the success rate climbs from one minus the error rate to nearly ' +
    'one, at the price of a few more calls and a longer tail for the retried requests.',
  knobs: {
    rps: { type: 'number', label: 'Load', default: 200, min: 10, max: 2_000, step: 10, unit: 'req/s' },
    errorRate: {
      type: 'number',
      label: 'Error rate',
      description: 'Share of calls the dependency fails.',
      default: 0.2,
      min: 0,
      max: 0.9,
      step: 0.05,
    },
    maxRetries: { type: 'number', label: 'Retries', default: 3, min: 0, max: 10, step: 1 },
  },
  defaultDurationMs: 60_000,
  run: (seed, knobs, options) => {
    const build = (world: World, send: () => Promise<unknown>): void => {
      world.service('api', { concurrency: 64, serviceTime: lognormal(10, 0.3), errorRate: knobs.errorRate });
      world.node('client');
      openLoop(world.sim, constantRate(knobs.rps), () => world.track('req', send));
    };
    return runVariants(
      seed,
      options,
      {
        baseline: (world) => {
          const attempts = world.metrics.counter('attempts');
          build(world, () => {
            attempts.inc();
            return world.call('client', 'api', 'work');
          });
        },
        pattern: (world) => {
          const attempts = world.metrics.counter('attempts');
          // Built after the service and the load, so both variants draw the same arrivals and outcomes.
          let policy: RetryPolicy | undefined;
          build(world, () =>
            policy!.execute(({ signal }) => {
              attempts.inc();
              return world.call('client', 'api', 'work', { signal });
            }),
          );
          policy = retry({
            maxRetries: knobs.maxRetries,
            backoff: exponentialBackoff({ initialDelay: 20, maxDelay: 1_000, jitter: 'full' }),
            clock: world.clock,
            random: world.random(),
          });
        },
      },
      (metrics) => [
        row('Successful requests', '%', 'higher', metrics, (m) => successPercent(m.counters, 'req')),
        row('Calls per request', 'x', 'lower', metrics, (m) => attemptsPerRequest(m.counters)),
        row('p99 latency', 'ms', 'lower', metrics, measures.latency('req', 'p99')),
      ],
      { defaultLink: { latency: constant(1) } },
    );
  },
});

/**
 * Watches the success rate per window once the outage is over and records, in the gauge
 * `recoverySeconds`, how long after the outage the first healthy window began. While no healthy
 * window has come, the gauge keeps growing, so at the end it is a lower bound.
 */
function watchRecovery(world: World, outageEndMs: number, windowMs: number, healthy: number): void {
  const ok = world.metrics.counter('req.ok');
  const failed = world.metrics.counter('req.failed');
  const recovery = world.metrics.gauge('recoverySeconds');
  recovery.set(0);
  const state = { lastOk: 0, lastFailed: 0, recovered: false };
  const tick = (): void => {
    const now = world.sim.now();
    const okInWindow = ok.value - state.lastOk;
    const failedInWindow = failed.value - state.lastFailed;
    state.lastOk = ok.value;
    state.lastFailed = failed.value;
    const windowStart = now - windowMs;
    if (windowStart >= outageEndMs && !state.recovered) {
      const total = okInWindow + failedInWindow;
      if (total > 0 && okInWindow / total >= healthy) {
        state.recovered = true;
        recovery.set((windowStart - outageEndMs) / 1000);
      } else {
        recovery.set((now - outageEndMs) / 1000);
      }
    }
    world.sim.schedule(windowMs, tick, undefined);
  };
  world.sim.scheduleAt(outageEndMs, tick, undefined);
}

/**
 * A dependency goes down for a while and comes back. Clients that retry at once, with nothing to
 * stop them, keep it down after it is back; a retry budget with jittered backoff lets it recover.
 *
 * @example
 * ```ts
 * import { retryStormScenario } from './scenario.js';
 * const knobs = { rps: 600, outageStartMs: 5_000, outageMs: 5_000, attemptTimeoutMs: 200, budgetRatio: 0.1 };
 * const result = await retryStormScenario.run(1, knobs, { durationMs: 30_000 });
 * console.log(result.summary.rows[0]);
 * ```
 */
export const retryStormScenario = defineScenario({
  id: 'retry-storm',
  name: 'Retry storm against a recovering dependency',
  description:
    'A dependency that serves about 800 calls per second, with a queue of half a second, takes 600 ' +
    'requests per second and crashes for a few seconds. Every attempt has a 200 ms timeout. The ' +
    'baseline retries each failure at once, up to three times: during the outage every request turns ' +
    'into four calls, and when the dependency comes back it finds a surge far beyond its capacity. Its queue ' +
    'fills, queued calls outlive their callers’ timeouts, the work it does is wasted, and the retries ' +
    'keep it there: a metastable failure that outlasts its trigger. The pattern retries with ' +
    'exponential backoff and full jitter under a retry budget that allows one retry per ten requests, ' +
    'so calls per request stay near one and the dependency recovers as soon as it is back.',
  knobs: {
    rps: { type: 'number', label: 'Load', default: 600, min: 10, max: 2_000, step: 10, unit: 'req/s' },
    ...outageKnobs(5_000),
    attemptTimeoutMs: {
      type: 'number',
      label: 'Attempt timeout',
      default: 200,
      min: 10,
      max: 5_000,
      step: 10,
      unit: 'ms',
    },
    budgetRatio: {
      type: 'number',
      label: 'Retry budget',
      description: 'Retries allowed per request, on average.',
      default: 0.1,
      min: 0,
      max: 1,
      step: 0.05,
    },
  },
  defaultDurationMs: 60_000,
  run: (seed, knobs, options) => {
    const outageEndMs = knobs.outageStartMs + knobs.outageMs;
    const build = (world: World, send: () => Promise<unknown>): void => {
      world.service('api', { concurrency: 8, queueCapacity: 400, serviceTime: lognormal(10, 0.2) });
      world.node('client');
      crashForOutage(world, 'api', knobs);
      openLoop(world.sim, constantRate(knobs.rps), () => world.track('req', send));
      watchRecovery(world, outageEndMs, 1_000, 0.95);
    };
    const variant =
      (policy: (world: World) => RetryPolicy) =>
      (world: World): void => {
        const attempts = world.metrics.counter('attempts');
        const outageRequests = world.metrics.counter('outage.requests');
        const outageAttempts = world.metrics.counter('outage.attempts');
        const perAttempt = timeout(knobs.attemptTimeoutMs, { clock: world.clock });
        let retries: RetryPolicy | undefined;
        build(world, () => {
          if (inOutage(knobs, world.clock.now())) outageRequests.inc();
          return retries!.execute((context) =>
            perAttempt.execute(({ signal }) => {
              attempts.inc();
              if (inOutage(knobs, world.clock.now())) outageAttempts.inc();
              return world.call('client', 'api', 'work', { signal });
            }, context),
          );
        });
        // Built after the service, the faults and the load, so both variants see the same ones.
        retries = policy(world);
      };
    return runVariants(
      seed,
      options,
      {
        baseline: variant((world) =>
          retry({
            maxRetries: 3,
            backoff: constantBackoff({ delay: 0 }),
            clock: world.clock,
            random: world.random(),
          }),
        ),
        pattern: variant((world) =>
          retry({
            maxRetries: 3,
            backoff: exponentialBackoff({ initialDelay: 50, maxDelay: 2_000, jitter: 'full' }),
            budget: new RetryBudget({ ratio: knobs.budgetRatio, minRetriesPerSecond: 5, clock: world.clock }),
            clock: world.clock,
            random: world.random(),
          }),
        ),
      },
      (metrics) => [
        row('Calls per request during the outage', 'x', 'lower', metrics, (m) =>
          outageAmplification(m.counters),
        ),
        row('Calls per request', 'x', 'lower', metrics, (m) => attemptsPerRequest(m.counters)),
        row(
          'Recovery after the outage',
          's',
          'lower',
          metrics,
          (m) => m.gauges['recoverySeconds']?.value ?? 0,
        ),
        row('Successful requests', '%', 'higher', metrics, (m) => successPercent(m.counters, 'req')),
      ],
      { defaultLink: { latency: constant(1) } },
    );
  },
});

function outageAmplification(counters: Readonly<Record<string, number>>): number {
  const requests = counters['outage.requests'] ?? 0;
  return requests === 0 ? Number.NaN : (counters['outage.attempts'] ?? 0) / requests;
}
