import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flushMicrotasks, VirtualClock } from '../../clock/index.js';
import { AbortedError } from '../../errors/index.js';
import type { Disposable } from '../../events/index.js';
import { consecutiveFailures } from './breaker/consecutive.js';
import { countWindow } from './breaker/count-window.js';
import { timeWindow } from './breaker/time-window.js';
import { circuitBreaker } from './circuit-breaker.js';
import { isCircuitRejection } from './errors.js';
import type { CircuitStateKind, StateChangeEvent } from './state.js';

const LEGAL = new Set([
  'closed>open',
  'open>half-open',
  'half-open>closed',
  'half-open>open',
  'closed>isolated',
  'open>isolated',
  'half-open>isolated',
  'isolated>closed',
]);

type Op =
  | { type: 'start'; result: boolean }
  | { type: 'finish'; pick: number; outcome: 'success' | 'failure' | 'ignored' }
  | { type: 'advance'; ms: number }
  | { type: 'isolate' }
  | { type: 'release'; pick: number }
  | { type: 'reset' };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ type: fc.constant('start' as const), result: fc.boolean() }) },
  {
    weight: 10,
    arbitrary: fc.record({
      type: fc.constant('finish' as const),
      pick: fc.nat(),
      outcome: fc.constantFrom(
        'success' as const,
        'failure' as const,
        'failure' as const,
        'ignored' as const,
      ),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 60 }) }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('isolate' as const) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('reset' as const) }) },
);

const configArbitrary = fc.record({
  permits: fc.integer({ min: 1, max: 3 }),
  successThreshold: fc.integer({ min: 1, max: 4 }),
  breakDurationMs: fc.integer({ min: 0, max: 50 }),
  halfOpenMaxDurationMs: fc.constantFrom(Number.POSITIVE_INFINITY, 20, 80),
  policy: fc.constantFrom('consecutive', 'count', 'time'),
  threshold: fc.integer({ min: 1, max: 3 }),
});

interface Call {
  generation: number;
  kind: CircuitStateKind;
  settle(outcome: 'success' | 'failure' | 'ignored'): void;
}

describe('circuitBreaker under random interleavings', () => {
  it('keeps probes within permits, makes only legal transitions, and ignores stale results', async () => {
    await fc.assert(
      fc.asyncProperty(
        configArbitrary,
        fc.array(opArbitrary, { minLength: 10, maxLength: 150 }),
        async (config, ops) => {
          const clock = new VirtualClock(0);
          const policy =
            config.policy === 'consecutive'
              ? consecutiveFailures(config.threshold)
              : config.policy === 'count'
                ? countWindow({ size: 4, minimumCalls: config.threshold, failureRateThreshold: 0.5 })
                : timeWindow({
                    samplingDurationMs: 100,
                    minimumThroughput: config.threshold,
                    failureRateThreshold: 0.5,
                  });
          const breaker = circuitBreaker({
            clock,
            breaker: policy,
            halfOpenPermits: config.permits,
            successThreshold: config.successThreshold,
            breakDurationMs: config.breakDurationMs,
            halfOpenMaxDurationMs: config.halfOpenMaxDurationMs,
          });
          const changes: StateChangeEvent[] = [];
          breaker.onStateChange((e) => changes.push(e));
          let inFlight: Call[] = [];
          let isolations: Disposable[] = [];

          const check = (): void => {
            const state = breaker.state;
            if (state.kind === 'half-open') {
              const probes = inFlight.filter((c) => c.generation === state.generation).length;
              expect(probes).toBeLessThanOrEqual(config.permits);
              expect(state.inFlight).toBe(probes);
            }
          };

          for (const op of ops) {
            switch (op.type) {
              case 'start': {
                let call: Call | undefined;
                const fn = () =>
                  new Promise<string>((resolve, reject) => {
                    const state = breaker.state;
                    call = {
                      generation: state.generation,
                      kind: state.kind,
                      settle: (outcome) =>
                        outcome === 'success'
                          ? resolve('ok')
                          : reject(outcome === 'failure' ? new Error('down') : new AbortedError('gone')),
                    };
                  });
                const before = breaker.state.kind;
                const done = op.result
                  ? breaker.executeResult(fn).then((o) => (o.ok ? undefined : o.error))
                  : breaker.execute(fn).then(
                      () => undefined,
                      (e: unknown) => e,
                    );
                if (call) {
                  // Admitted calls only ever run in a closed or half-open state, tagged with it.
                  expect(['closed', 'half-open']).toContain(call.kind);
                  inFlight.push(call);
                } else {
                  // Refused: only an open, isolated, or fully booked half-open circuit refuses.
                  expect(before).not.toBe('closed');
                  const error = await done;
                  expect(isCircuitRejection(error)).toBe(true);
                }
                break;
              }
              case 'finish': {
                if (inFlight.length === 0) break;
                const index = op.pick % inFlight.length;
                const call = inFlight[index]!;
                inFlight = inFlight.filter((_, i) => i !== index);
                const before = breaker.state;
                const stale = call.generation !== before.generation;
                const changesBefore = changes.length;
                call.settle(op.outcome);
                await flushMicrotasks();
                if (stale) {
                  expect(breaker.state).toEqual(before);
                  expect(changes.length).toBe(changesBefore);
                }
                break;
              }
              case 'advance':
                clock.advance(op.ms);
                break;
              case 'isolate':
                isolations.push(breaker.isolate());
                break;
              case 'release': {
                if (isolations.length === 0) break;
                const index = op.pick % isolations.length;
                isolations[index]!.dispose();
                isolations = isolations.filter((_, i) => i !== index);
                break;
              }
              case 'reset':
                breaker.reset();
                isolations = [];
                break;
            }
            check();
          }

          let generation = 0;
          for (const change of changes) {
            const edge = `${change.from}>${change.to}`;
            if (change.reason === 'reset') expect(change.to).toBe('closed');
            else expect(LEGAL.has(edge)).toBe(true);
            expect(change.from).not.toBe(change.to);
            expect(change.generation).toBe(++generation);
          }
          expect(breaker.state.generation).toBe(generation);
          for (const call of inFlight) call.settle('success');
          await flushMicrotasks();
        },
      ),
      { numRuns: 300 },
    );
  });
});
