import { type CircuitBreaker, circuitBreaker, consecutiveFailures } from '@keel/core/circuit-breaker';
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
import { successPercent } from '../scenario-kit.js';

/**
 * A dependency goes down for a while. Without a breaker every request still goes to it and waits
 * for its timeout; with one, the circuit opens after a few failures, lets a handful of probes
 * through now and then, and closes again soon after the dependency is back.
 *
 * @example
 * ```ts
 * import { circuitBreakerScenario } from './scenario.js';
 * const knobs = { rps: 200, outageStartMs: 5_000, outageMs: 10_000, breakMs: 2_000, halfOpenPermits: 3 };
 * const result = await circuitBreakerScenario.run(1, knobs, { durationMs: 30_000 });
 * console.log(result.summary.rows[0]);
 * ```
 */
export const circuitBreakerScenario = defineScenario({
  id: 'circuit-breaker',
  name: 'Circuit breaker through an outage',
  description:
    'A dependency crashes for ten seconds and comes back. Every call has a 200 ms timeout. The ' +
    'baseline keeps sending every request to the dead dependency, and each one waits out its timeout. ' +
    'The pattern puts a circuit breaker around the call: after ten consecutive failures the circuit ' +
    'opens and requests fail at once without touching the dependency. Every two seconds it lets a few ' +
    'probe calls through (never more at once than its half-open permits); once the dependency is back, ' +
    'the first probes succeed and the circuit closes, within one break of the end of the outage.',
  knobs: {
    rps: { type: 'number', label: 'Load', default: 200, min: 10, max: 2_000, step: 10, unit: 'req/s' },
    ...outageKnobs(10_000),
    breakMs: {
      type: 'number',
      label: 'Break duration',
      description: 'How long the circuit stays open before it lets probes through.',
      default: 2_000,
      min: 100,
      max: 60_000,
      step: 100,
      unit: 'ms',
    },
    halfOpenPermits: {
      type: 'number',
      label: 'Half-open permits',
      description: 'Probes allowed in flight at once.',
      default: 3,
      min: 1,
      max: 50,
      step: 1,
    },
  },
  defaultDurationMs: 60_000,
  run: (seed, knobs, options) => {
    const outageEndMs = knobs.outageStartMs + knobs.outageMs;
    const build = (world: World, send: (call: () => Promise<unknown>) => Promise<unknown>): void => {
      world.service('api', { concurrency: 64, serviceTime: lognormal(10, 0.3) });
      world.node('client');
      crashForOutage(world, 'api', knobs);
      const perCall = timeout(200, { clock: world.clock });
      const sent = world.metrics.counter('calls');
      const sentDuringOutage = world.metrics.counter('outage.calls');
      const call = (): Promise<unknown> => {
        sent.inc();
        const now = world.clock.now();
        if (inOutage(knobs, now)) sentDuringOutage.inc();
        return perCall.execute(({ signal }) => world.call('client', 'api', 'work', { signal }));
      };
      openLoop(world.sim, constantRate(knobs.rps), () => world.track('req', () => send(call)));
    };
    return runVariants(
      seed,
      options,
      {
        baseline: (world) => build(world, (call) => call()),
        pattern: (world) => {
          let breaker: CircuitBreaker | undefined;
          const probes = world.metrics.gauge('probes');
          probes.set(0);
          build(world, (call) =>
            breaker!.execute(async () => {
              // A call admitted while half-open is a probe.
              if (breaker!.state.kind !== 'half-open') return call();
              probes.add(1);
              try {
                return await call();
              } finally {
                probes.add(-1);
              }
            }),
          );
          breaker = circuitBreaker({
            breaker: consecutiveFailures(10),
            breakDurationMs: knobs.breakMs,
            halfOpenPermits: knobs.halfOpenPermits,
            clock: world.clock,
          });
          const detection = world.metrics.gauge('recoveryDetectedMs');
          detection.set(Number.NaN);
          breaker.onReset(() => {
            const now = world.clock.now();
            if (now >= outageEndMs && Number.isNaN(detection.value)) detection.set(now - outageEndMs);
          });
        },
      },
      (metrics) => [
        row(
          'Calls to the dependency during the outage',
          'calls',
          'lower',
          metrics,
          measures.count('outage.calls'),
        ),
        row('Most probes in flight', 'calls', 'lower', metrics, (m) => m.gauges['probes']?.max ?? Number.NaN),
        row(
          'Recovery noticed after the outage',
          'ms',
          'lower',
          metrics,
          (m) => m.gauges['recoveryDetectedMs']?.value ?? Number.NaN,
        ),
        row('Mean latency', 'ms', 'lower', metrics, measures.latency('req', 'mean')),
        row('Successful requests', '%', 'higher', metrics, (m) => successPercent(m.counters, 'req')),
      ],
      { defaultLink: { latency: constant(1) } },
    );
  },
});
