import { VirtualClock } from '@keel/core/clock';
import { isInvalidOptionError } from '@keel/core/errors';
import { describe, expect, it } from 'vitest';
import { type Actuator, type AutoscalerEvent, autoscaler } from './autoscaler.js';
import { isMetricUnavailableError } from './errors.js';
import { HpaCalculator } from './hpa-calculator.js';
import { queueDepthMetric, valueMetric } from './metric-source.js';

function fakeActuator(initial: number) {
  const state = { replicas: initial, calls: [] as number[], failNext: 0, failStatus: false };
  const actuator: Actuator = {
    status: () => {
      if (state.failStatus) throw new Error('status down');
      return { replicas: state.replicas };
    },
    setReplicas: async (n) => {
      state.calls.push(n);
      if (state.failNext > 0) {
        state.failNext--;
        throw new Error('cannot scale');
      }
      state.replicas = n;
    },
  };
  return { state, actuator };
}

describe('autoscaler', () => {
  it('syncs every interval, scales the actuator and reports every decision', async () => {
    const clock = new VirtualClock();
    const { state, actuator } = fakeActuator(1);
    let depth = 100;
    const loop = autoscaler({
      calculator: new HpaCalculator(20, { clock }),
      metrics: [queueDepthMetric('jobs', () => depth, 10)],
      actuator,
      clock,
      intervalMs: 15_000,
    });
    const events: AutoscalerEvent[] = [];
    loop.onEvent((e) => events.push(e));
    expect(loop.state.kind).toBe('idle');
    loop.start();
    loop.start();
    await clock.advanceAsync(0);
    // 100 jobs at 10 per replica want 10; from 1 the default policy allows 5.
    expect(state.replicas).toBe(5);
    expect(loop.lastDecision).toMatchObject({
      currentReplicas: 1,
      desiredReplicas: 5,
      reason: 'above-target',
      limitedBy: 'scale-up-policy',
      metric: 'jobs',
    });
    await clock.advanceAsync(15_000);
    expect(state.replicas).toBe(10);
    depth = 20;
    await clock.advanceAsync(15_000);
    // Scale-down waits for the 300 s window.
    expect(state.replicas).toBe(10);
    expect(loop.lastDecision).toMatchObject({ limitedBy: 'stabilization', reason: 'below-target' });
    await clock.advanceAsync(300_000);
    expect(state.replicas).toBe(2);
    await loop.stop();
    expect(loop.state.kind).toBe('stopped');
    const decisions = events.filter((e) => e.type === 'decision');
    expect(decisions).toHaveLength(1 + 1 + 1 + 20);
    expect(
      events.filter((e) => e.type === 'scaled').map((e) => (e.type === 'scaled' ? [e.from, e.to] : [])),
    ).toEqual([
      [1, 5],
      [5, 10],
      [10, 2],
    ]);
    expect(
      events.filter((e) => e.type === 'state').map((e) => (e.type === 'state' ? e.to.kind : '')),
    ).toEqual(['running', 'stopped']);
    // No more syncs once stopped.
    await clock.advanceAsync(60_000);
    expect(events.filter((e) => e.type === 'decision')).toHaveLength(decisions.length);
  });

  it('a failing metric is reported and blocks scale-down only', async () => {
    const clock = new VirtualClock();
    const { state, actuator } = fakeActuator(8);
    const events: AutoscalerEvent[] = [];
    const loop = autoscaler({
      calculator: new HpaCalculator(20, { clock, behavior: { scaleDown: { stabilizationWindowMs: 0 } } }),
      metrics: [
        queueDepthMetric('jobs', () => 10, 10),
        valueMetric('latency', () => Promise.reject(new Error('x')), 1),
      ],
      actuator,
      clock,
    });
    loop.onEvent((e) => events.push(e));
    const decision = await loop.sync();
    expect(decision).toMatchObject({ reason: 'metrics-unavailable', desiredReplicas: 8 });
    expect(state.replicas).toBe(8);
    const failed = events.find((e) => e.type === 'metric-unavailable');
    expect(failed).toMatchObject({ type: 'metric-unavailable', metric: 'latency' });
    const proposal = decision?.proposals[1];
    expect(proposal && proposal.replicas === undefined && isMetricUnavailableError(proposal.error)).toBe(
      true,
    );
  });

  it('a failed change is reported and does not count against the rate limits', async () => {
    const clock = new VirtualClock();
    const { state, actuator } = fakeActuator(2);
    const events: AutoscalerEvent[] = [];
    const loop = autoscaler({
      calculator: new HpaCalculator(20, {
        clock,
        behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1, periodMs: 60_000 }] } },
      }),
      metrics: [queueDepthMetric('jobs', () => 100, 10)],
      actuator,
      clock,
      intervalMs: 5_000,
    });
    loop.onEvent((e) => events.push(e));
    state.failNext = 1;
    loop.start();
    await clock.advanceAsync(0);
    expect(state.replicas).toBe(2);
    expect(events.find((e) => e.type === 'actuator-failed')).toMatchObject({ phase: 'scale' });
    await clock.advanceAsync(5_000);
    expect(state.replicas).toBe(3);
    await clock.advanceAsync(5_000);
    expect(state.replicas).toBe(3); // one per minute now that a change happened
    expect(state.calls).toEqual([3, 3]);
    await loop.stop();
  });

  it('a failing status read skips the sync', async () => {
    const clock = new VirtualClock();
    const { state, actuator } = fakeActuator(2);
    state.failStatus = true;
    const events: AutoscalerEvent[] = [];
    const loop = autoscaler({
      calculator: new HpaCalculator(5, { clock }),
      metrics: [queueDepthMetric('jobs', () => 100, 10)],
      actuator,
      clock,
    });
    loop.onEvent((e) => events.push(e));
    expect(await loop.sync()).toBeUndefined();
    expect(events).toMatchObject([{ type: 'actuator-failed', phase: 'status' }]);
  });

  it('syncs never overlap, and an abort signal stops the loop', async () => {
    const clock = new VirtualClock();
    let running = 0;
    let most = 0;
    const slow: Actuator = {
      status: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 40_000));
        running--;
        return { replicas: 1 };
      },
      setReplicas: () => {},
    };
    const controller = new AbortController();
    const loop = autoscaler({
      calculator: new HpaCalculator(5, { clock }),
      metrics: [],
      actuator: slow,
      clock,
      signal: controller.signal,
    });
    loop.start();
    void loop.sync();
    await clock.advanceAsync(100_000);
    expect(most).toBe(1);
    controller.abort();
    expect(loop.state.kind).toBe('stopped');
    const aborted = autoscaler({
      calculator: new HpaCalculator(5, { clock }),
      metrics: [],
      actuator: slow,
      clock,
      signal: controller.signal,
    });
    aborted.start();
    expect(aborted.state.kind).toBe('idle');
  });

  it('rejects bad options, naming the field', () => {
    const clock = new VirtualClock();
    const good = {
      calculator: new HpaCalculator(5, { clock }),
      metrics: [],
      actuator: fakeActuator(1).actuator,
      clock,
    };
    for (const [field, options] of [
      ['calculator', { ...good, calculator: {} }],
      ['metrics', { ...good, metrics: 'cpu' }],
      ['metrics[0]', { ...good, metrics: [{ name: 'x' }] }],
      ['actuator', { ...good, actuator: { status: () => ({ replicas: 1 }) } }],
      ['clock', { ...good, clock: { now: () => 0 } }],
      ['intervalMs', { ...good, intervalMs: 0 }],
      ['signal', { ...good, signal: 'stop' }],
      ['autoscaler.period', { ...good, period: 1 }],
      ['options', undefined],
    ] as const) {
      let error: unknown;
      try {
        autoscaler(options as never);
      } catch (e) {
        error = e;
      }
      expect(isInvalidOptionError(error) && error.field).toBe(field);
    }
  });
});
