import { VirtualClock } from '@keel/core/clock';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HpaCalculator } from './hpa-calculator.js';
import type { MetricObservation } from './metric.js';

const sample = fc.record({
  value: fc.option(fc.double({ min: 0, max: 1_000, noNaN: true }), { nil: undefined }),
  ready: fc.boolean(),
});

const observation: fc.Arbitrary<MetricObservation> = fc.oneof(
  fc.record({
    kind: fc.constant('per-replica' as const),
    name: fc.constant('pods'),
    samples: fc.array(sample, { minLength: 0, maxLength: 30 }),
    target: fc.double({ min: 1, max: 500, noNaN: true }),
    utilization: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('value' as const),
    name: fc.constant('value'),
    value: fc.double({ min: 0, max: 10_000, noNaN: true }),
    target: fc.double({ min: 1, max: 500, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('average-value' as const),
    name: fc.constant('average'),
    value: fc.double({ min: 0, max: 10_000, noNaN: true }),
    targetPerReplica: fc.double({ min: 1, max: 500, noNaN: true }),
  }),
  fc.constant({ kind: 'unavailable' as const, name: 'gone' }),
);

const policy = fc.record({
  type: fc.constantFrom('Pods' as const, 'Percent' as const),
  value: fc.integer({ min: 1, max: 200 }),
  periodMs: fc.integer({ min: 1, max: 120_000 }),
});

const rules = fc.record(
  {
    stabilizationWindowMs: fc.integer({ min: 0, max: 600_000 }),
    selectPolicy: fc.constantFrom('Max' as const, 'Min' as const, 'Disabled' as const),
    policies: fc.array(policy, { minLength: 1, maxLength: 3 }),
    tolerance: fc.double({ min: 0, max: 0.5, noNaN: true }),
  },
  { requiredKeys: [] },
);

const bounds = fc
  .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 60 }))
  .map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) }));

/** A run: the calculator's settings and a sequence of (delay, observations) steps. */
const run = fc.record({
  bounds,
  behavior: fc.record({ scaleUp: rules, scaleDown: rules }, { requiredKeys: [] }),
  start: fc.integer({ min: 1, max: 80 }),
  steps: fc.array(
    fc.record({
      delayMs: fc.integer({ min: 0, max: 60_000 }),
      metrics: fc.array(observation, { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 25 },
  ),
});

describe('HpaCalculator properties', () => {
  it('the result is always within [minReplicas, maxReplicas] once replicas run', () => {
    fc.assert(
      fc.property(run, ({ bounds: { min, max }, behavior, start, steps }) => {
        const clock = new VirtualClock();
        const hpa = new HpaCalculator(max, { minReplicas: min, behavior, clock });
        let replicas = start;
        for (const s of steps) {
          clock.advance(s.delayMs);
          const decision = hpa.decide({ currentReplicas: replicas, metrics: s.metrics });
          expect(Number.isInteger(decision.desiredReplicas)).toBe(true);
          expect(decision.desiredReplicas).toBeGreaterThanOrEqual(min);
          expect(decision.desiredReplicas).toBeLessThanOrEqual(max);
          hpa.recordScale(replicas, decision.desiredReplicas);
          // Keep replicas running: 0 would disable the autoscaler, as in Kubernetes.
          replicas = Math.max(1, decision.desiredReplicas);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('inside the tolerance nothing changes, whatever the history', () => {
    fc.assert(
      fc.property(
        run,
        fc.double({ min: 0.5, max: 500, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        ({ bounds: { max }, behavior, steps }, target, position) => {
          const clock = new VirtualClock();
          const hpa = new HpaCalculator(max, { minReplicas: 1, behavior, clock });
          let replicas = Math.ceil(max / 2);
          for (const s of steps) {
            clock.advance(s.delayMs);
            const decision = hpa.decide({ currentReplicas: replicas, metrics: s.metrics });
            hpa.recordScale(replicas, decision.desiredReplicas);
            replicas = Math.max(1, decision.desiredReplicas);
          }
          // Every replica at a value whose ratio lies inside the (per-direction) tolerance.
          const t = position >= 0 ? hpa.behavior.scaleUp.tolerance : hpa.behavior.scaleDown.tolerance;
          const value = target * (1 + position * t * 0.999);
          clock.advance(15_000);
          const quiet = hpa.decide({
            currentReplicas: replicas,
            metrics: [
              {
                kind: 'per-replica',
                name: 'steady',
                target,
                samples: Array.from({ length: replicas }, () => ({ value })),
              },
            ],
          });
          expect(quiet.desiredReplicas).toBe(replicas);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never scales down below a recommendation made within the scale-down window', () => {
    fc.assert(
      fc.property(run, ({ bounds: { min, max }, behavior, start, steps }) => {
        const clock = new VirtualClock();
        const hpa = new HpaCalculator(max, { minReplicas: min, behavior, clock });
        const window = hpa.behavior.scaleDown.stabilizationWindowMs;
        const history: { at: number; proposed: number }[] = [];
        let replicas = Math.min(max, Math.max(min, start, 1));
        for (const s of steps) {
          clock.advance(s.delayMs);
          const decision = hpa.decide({ currentReplicas: replicas, metrics: s.metrics });
          if (!Number.isNaN(decision.proposedReplicas))
            history.push({ at: decision.at, proposed: decision.proposedReplicas });
          if (decision.desiredReplicas < replicas) {
            const recent = history.filter((h) => h.at > decision.at - window).map((h) => h.proposed);
            const highest = Math.min(replicas, Math.max(...recent));
            expect(decision.desiredReplicas).toBeGreaterThanOrEqual(Math.max(min, highest));
          }
          hpa.recordScale(replicas, decision.desiredReplicas);
          replicas = Math.max(1, decision.desiredReplicas);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('with one Pods policy, the replicas added within any period never exceed its value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1_000, max: 60_000 }),
        fc.array(
          fc.record({
            delayMs: fc.integer({ min: 0, max: 20_000 }),
            load: fc.double({ min: 0, max: 2_000, noNaN: true }),
          }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (value, periodMs, steps) => {
          const clock = new VirtualClock();
          const hpa = new HpaCalculator(200, {
            clock,
            // Without scale-downs, nothing in a period gives back allowance.
            behavior: {
              scaleUp: { policies: [{ type: 'Pods', value, periodMs }] },
              scaleDown: { selectPolicy: 'Disabled' },
            },
          });
          const ups: { at: number; added: number }[] = [];
          let replicas = 1;
          for (const s of steps) {
            clock.advance(s.delayMs);
            const decision = hpa.decide({
              currentReplicas: replicas,
              metrics: [{ kind: 'average-value', name: 'load', value: s.load, targetPerReplica: 10 }],
            });
            if (decision.desiredReplicas > replicas)
              ups.push({ at: decision.at, added: decision.desiredReplicas - replicas });
            hpa.recordScale(replicas, decision.desiredReplicas);
            replicas = decision.desiredReplicas;
            const inPeriod = ups
              .filter((u) => u.at > decision.at - periodMs)
              .reduce((sum, u) => sum + u.added, 0);
            expect(inPeriod).toBeLessThanOrEqual(value);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
