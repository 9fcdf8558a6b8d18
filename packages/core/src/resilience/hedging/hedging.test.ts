import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isAbortedError, isInvalidOptionError, isTimeoutError, TimeoutError } from '../../errors/index.js';
import type { ExecuteContext } from '../../policy/index.js';
import { sleep } from '../../signal/index.js';
import { trackSettlement } from '../../testing/index.js';
import {
  DEFAULT_HEDGING_OPTIONS,
  type HedgeBudgetExhaustedEvent,
  type HedgeEvent,
  HedgeLostError,
  type HedgeWinEvent,
  HedgingBudget,
  type HedgingOptions,
  hedging,
  isHedgeLostError,
} from './index.js';

interface Step {
  readonly ms: number;
  readonly fail?: unknown;
  /** When true the attempt ignores its signal (it cannot be cancelled). */
  readonly deaf?: boolean;
}

/** A function whose attempt n takes `steps[n-1].ms` and then returns `value n` or fails. */
function scripted(clock: VirtualClock, steps: readonly Step[]) {
  const started: { attempt: number; at: number; context: ExecuteContext }[] = [];
  const fn = async (context: ExecuteContext): Promise<string> => {
    const step = steps[Math.min(context.attempt, steps.length) - 1]!;
    started.push({ attempt: context.attempt, at: clock.now(), context });
    await sleep(clock, step.ms, step.deaf ? undefined : context.signal);
    if (step.fail !== undefined) throw step.fail;
    return `value ${context.attempt}`;
  };
  return { fn, started };
}

function observe(policy: ReturnType<typeof hedging>) {
  const hedges: HedgeEvent[] = [];
  const wins: HedgeWinEvent[] = [];
  const refused: HedgeBudgetExhaustedEvent[] = [];
  policy.onHedge((e) => hedges.push(e));
  policy.onWin((e) => wins.push(e));
  policy.onBudgetExhausted((e) => refused.push(e));
  return { hedges, wins, refused };
}

function setup(options: HedgingOptions = {}) {
  const clock = new VirtualClock();
  const policy = hedging({ delay: 100, budget: false, clock, ...options });
  return { clock, policy, events: observe(policy) };
}

describe('hedging', () => {
  it('does not hedge a primary that answers within the delay', async () => {
    const { clock, policy, events } = setup();
    const { fn, started } = scripted(clock, [{ ms: 50 }]);
    const call = trackSettlement(policy.execute(fn));
    await clock.advanceAsync(50);
    expect(call).toMatchObject({ settled: true, value: 'value 1' });
    expect(started.map((s) => s.attempt)).toEqual([1]);
    expect(events.hedges).toEqual([]);
    expect(events.wins).toEqual([{ attempt: 1, launched: 1, durationMs: 50 }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('launches a hedge after the delay; the hedge wins and the primary is aborted with HedgeLostError', async () => {
    const { clock, policy, events } = setup();
    const { fn, started } = scripted(clock, [{ ms: 500 }, { ms: 30 }]);
    const call = trackSettlement(policy.execute(fn));
    await clock.advanceAsync(129);
    expect(call.settled).toBe(false);
    await clock.advanceAsync(1);
    expect(call).toMatchObject({ settled: true, value: 'value 2' });
    expect(started.map((s) => [s.attempt, s.at])).toEqual([
      [1, 0],
      [2, 100],
    ]);
    const primary = started[0]!.context.signal;
    expect(primary.aborted).toBe(true);
    expect(isHedgeLostError(primary.reason)).toBe(true);
    expect(primary.reason).toMatchObject({ attempt: 1, winner: 2 });
    expect(started[1]!.context.signal.aborted).toBe(false);
    expect(events.hedges).toEqual([{ attempt: 2, delay: 100, trigger: 'delay' }]);
    expect(events.wins).toEqual([{ attempt: 2, launched: 2, durationMs: 130 }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('staggers up to maxHedgedAttempts hedges, and the first success wins whichever attempt it is', async () => {
    const { clock, policy, events } = setup({ maxHedgedAttempts: 3 });
    const { fn, started } = scripted(clock, [{ ms: 1000 }, { ms: 250 }, { ms: 1000 }, { ms: 1000 }]);
    const call = trackSettlement(policy.execute(fn));
    await clock.advanceAsync(350);
    expect(call).toMatchObject({ settled: true, value: 'value 2' });
    expect(started.map((s) => s.at)).toEqual([0, 100, 200, 300]);
    expect(events.hedges.map((e) => e.attempt)).toEqual([2, 3, 4]);
    for (const loser of [0, 2, 3])
      expect(started[loser]!.context.signal.reason).toBeInstanceOf(HedgeLostError);
    expect(clock.pendingTimers).toBe(0);
  });

  it('launches the next attempt at once when one fails before the delay', async () => {
    const { clock, policy, events } = setup();
    const { fn, started } = scripted(clock, [{ ms: 10, fail: new Error('refused') }, { ms: 20 }]);
    const call = trackSettlement(policy.execute(fn));
    await clock.advanceAsync(30);
    expect(call).toMatchObject({ settled: true, value: 'value 2' });
    expect(started.map((s) => s.at)).toEqual([0, 10]);
    expect(events.hedges).toEqual([{ attempt: 2, delay: 10, trigger: 'failure' }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('restarts the delay from an attempt launched on failure', async () => {
    const { clock, policy } = setup({ maxHedgedAttempts: 2 });
    const { fn, started } = scripted(clock, [
      { ms: 40, fail: new Error('refused') },
      { ms: 500 },
      { ms: 10 },
    ]);
    const call = trackSettlement(policy.execute(fn));
    await clock.advanceAsync(150);
    expect(call).toMatchObject({ settled: true, value: 'value 3' });
    expect(started.map((s) => s.at)).toEqual([0, 40, 140]);
  });

  it('with hedgeOnFailure off, fails as soon as no attempt is in flight', async () => {
    const { clock, policy, events } = setup({ hedgeOnFailure: false });
    const refused = new Error('refused');
    const { fn, started } = scripted(clock, [{ ms: 10, fail: refused }, { ms: 20 }]);
    const call = trackSettlement(policy.execute(fn));
    await clock.advanceAsync(10);
    expect(call).toMatchObject({ settled: true, error: refused });
    expect(started).toHaveLength(1);
    expect(events.hedges).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects with the last failure when every attempt fails', async () => {
    const { clock, policy } = setup({ maxHedgedAttempts: 2 });
    const last = new Error('third');
    const { fn } = scripted(clock, [
      { ms: 300, fail: new Error('first') },
      { ms: 100, fail: new Error('second') },
      { ms: 150, fail: last },
    ]);
    const call = trackSettlement(policy.execute(fn));
    await clock.advanceAsync(1000);
    // Attempt 2 fails at 200 and launches 3, which fails at 350 after attempt 1 failed at 300.
    expect(call).toMatchObject({ settled: true, error: last });
    expect(clock.pendingTimers).toBe(0);
  });

  it('lets an error refused by handleError decide the call at once, abandoning the others', async () => {
    const { clock, policy } = setup({ handleError: (error) => !(error instanceof TypeError) });
    const bad = new TypeError('bad request');
    const { fn, started } = scripted(clock, [{ ms: 1000 }, { ms: 20, fail: bad }]);
    const call = trackSettlement(policy.execute(fn));
    await clock.advanceAsync(120);
    expect(call).toMatchObject({ settled: true, error: bad });
    expect(started[0]!.context.signal.reason).toMatchObject({ attempt: 1, winner: 2 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects with the error of a handleError predicate that throws, instead of hanging', async () => {
    const broken = new Error('predicate bug');
    const { clock, policy } = setup({
      handleError: () => {
        throw broken;
      },
    });
    const { fn, started } = scripted(clock, [{ ms: 1000 }, { ms: 20, fail: new Error('x') }]);
    const call = trackSettlement(policy.execute(fn));
    await clock.advanceAsync(120);
    expect(call).toMatchObject({ settled: true, error: broken });
    expect(isHedgeLostError(started[0]!.context.signal.reason)).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('launches every attempt at once with a zero delay', async () => {
    const { clock, policy, events } = setup({ delay: 0, maxHedgedAttempts: 2 });
    const { fn, started } = scripted(clock, [{ ms: 30 }, { ms: 20 }, { ms: 10 }]);
    const call = trackSettlement(policy.execute(fn));
    expect(started.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(events.hedges.map((e) => e.delay)).toEqual([0, 0]);
    await clock.advanceAsync(10);
    expect(call).toMatchObject({ settled: true, value: 'value 3' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('with an infinite delay hedges only on failure', async () => {
    const { clock, policy } = setup({ delay: Number.POSITIVE_INFINITY });
    const { fn, started } = scripted(clock, [{ ms: 5000 }]);
    const call = trackSettlement(policy.execute(fn));
    expect(clock.pendingTimers).toBe(1); // the attempt's own sleep, no hedge timer
    await clock.advanceAsync(5000);
    expect(call).toMatchObject({ settled: true, value: 'value 1' });
    expect(started).toHaveLength(1);
  });

  it('handles synchronous functions: a value needs no timer, a throw hedges at once', async () => {
    const { clock, policy } = setup();
    await expect(policy.execute(() => 7)).resolves.toBe(7);
    expect(clock.pendingTimers).toBe(0);
    const attempts: number[] = [];
    await expect(
      policy.execute(({ attempt }) => {
        attempts.push(attempt);
        if (attempt === 1) throw new Error('sync');
        return attempt;
      }),
    ).resolves.toBe(2);
    expect(attempts).toEqual([1, 2]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('gives each attempt its own context, numbered from 1, with the caller deadline', async () => {
    const { clock, policy } = setup({ maxHedgedAttempts: 2 });
    const { fn, started } = scripted(clock, [{ ms: 1000 }, { ms: 1000 }, { ms: 10 }]);
    const call = trackSettlement(policy.execute(fn, { deadline: 5000 }));
    await clock.advanceAsync(210);
    expect(call.settled).toBe(true);
    expect(started.map((s) => [s.context.attempt, s.context.deadline])).toEqual([
      [1, 5000],
      [2, 5000],
      [3, 5000],
    ]);
    expect(new Set(started.map((s) => s.context)).size).toBe(3);
  });

  it('does not schedule a hedge that could only start after the deadline', async () => {
    const { clock, policy, events } = setup();
    const { fn } = scripted(clock, [{ ms: 500 }]);
    const call = trackSettlement(policy.execute(fn, { deadline: 80 }));
    expect(clock.pendingTimers).toBe(1);
    await clock.advanceAsync(500);
    expect(call).toMatchObject({ settled: true, value: 'value 1' });
    expect(events.hedges).toEqual([]);
  });

  describe('caller abort', () => {
    it('cancels every attempt in flight with the caller reason', async () => {
      const { clock, policy } = setup({ maxHedgedAttempts: 2 });
      const { fn, started } = scripted(clock, [{ ms: 1000 }, { ms: 1000 }, { ms: 1000 }]);
      const controller = new AbortController();
      const call = trackSettlement(policy.execute(fn, { signal: controller.signal }));
      await clock.advanceAsync(150);
      const reason = new Error('user left');
      controller.abort(reason);
      await clock.advanceAsync(0);
      expect(call).toMatchObject({ settled: true, error: reason });
      expect(started.map((s) => s.context.signal.reason)).toEqual([reason, reason]);
      expect(clock.pendingTimers).toBe(0);
    });

    it('keeps a non-Error reason inside an AbortedError', async () => {
      const { clock, policy } = setup();
      const { fn } = scripted(clock, [{ ms: 1000 }, { ms: 1000 }]);
      const controller = new AbortController();
      const call = trackSettlement(policy.execute(fn, { signal: controller.signal }));
      await clock.advanceAsync(150);
      controller.abort('bye');
      await clock.advanceAsync(0);
      expect(isAbortedError(call.error)).toBe(true);
      expect((call.error as { reason: unknown }).reason).toBe('bye');
    });

    it('stops before any hedge when the primary listens, clearing the hedge timer', async () => {
      const { clock, policy, events } = setup();
      const { fn } = scripted(clock, [{ ms: 1000 }]);
      const controller = new AbortController();
      const call = trackSettlement(policy.execute(fn, { signal: controller.signal }));
      await clock.advanceAsync(20);
      controller.abort(new TimeoutError(20));
      await clock.advanceAsync(0);
      expect(isTimeoutError(call.error)).toBe(true);
      expect(events.hedges).toEqual([]);
      expect(clock.pendingTimers).toBe(0);
    });

    it('does not hedge once the caller has aborted, even when the primary ignores its signal', async () => {
      const { clock, policy, events } = setup();
      const { fn, started } = scripted(clock, [{ ms: 1000, deaf: true }]);
      const controller = new AbortController();
      const call = trackSettlement(policy.execute(fn, { signal: controller.signal }));
      await clock.advanceAsync(20);
      controller.abort('stop');
      await clock.advanceAsync(80);
      expect(call.settled).toBe(true);
      expect(isAbortedError(call.error)).toBe(true);
      expect(started).toHaveLength(1);
      expect(events.hedges).toEqual([]);
      expect(started[0]!.context.signal.reason).toBe('stop');
      await clock.advanceAsync(1000); // the deaf primary finishing late changes nothing
      expect(clock.pendingTimers).toBe(0);
    });
  });

  describe('percentile delay', () => {
    it('uses the initial delay until enough samples, then the percentile of recent latency', async () => {
      const clock = new VirtualClock();
      const policy = hedging({
        clock,
        budget: false,
        delay: { percentile: 0.8, windowSize: 5, minSamples: 5, initialDelayMs: 1000 },
      });
      const run = async (ms: number) => {
        const call = trackSettlement(policy.execute(({ signal }) => sleep(clock, ms, signal)));
        await clock.advanceAsync(ms);
        expect(call.settled).toBe(true);
      };
      for (const ms of [10, 20, 30, 40]) await run(ms);
      expect(policy.currentDelay()).toBe(1000);
      await run(50);
      expect(policy.currentDelay()).toBe(40);
      // Latency rises: the window forgets the fast samples and the delay follows.
      for (const ms of [200, 210, 220, 230, 240]) await run(ms);
      expect(policy.currentDelay()).toBe(230);
      expect(clock.pendingTimers).toBe(0);
    });

    it('hedges a slow call at the learnt delay, and learns from winning hedges', async () => {
      const clock = new VirtualClock();
      const policy = hedging({
        clock,
        budget: false,
        delay: { percentile: 0.5, windowSize: 3, minSamples: 3 },
      });
      const events = observe(policy);
      for (const ms of [10, 20, 30]) {
        const call = trackSettlement(policy.execute(() => sleep(clock, ms)));
        await clock.advanceAsync(ms);
        expect(call.settled).toBe(true);
      }
      const { fn } = scripted(clock, [{ ms: 1000 }, { ms: 5 }]);
      const call = trackSettlement(policy.execute(fn));
      await clock.advanceAsync(25);
      expect(call).toMatchObject({ settled: true, value: 'value 2' });
      expect(events.hedges).toEqual([{ attempt: 2, delay: 20, trigger: 'delay' }]);
      expect(policy.currentDelay()).toBe(20); // samples now 20, 30, 5
    });

    it('never goes below minDelayMs', async () => {
      const clock = new VirtualClock();
      const policy = hedging({
        clock,
        delay: { percentile: 1, windowSize: 1, minSamples: 1, minDelayMs: 15 },
      });
      await policy.execute(() => 'instant');
      expect(policy.currentDelay()).toBe(15);
    });
  });

  describe('budget', () => {
    it('suppresses hedges beyond the budget and reports it', async () => {
      const clock = new VirtualClock();
      const policy = hedging({ clock, delay: 10, budget: { ratio: 0.25, minPerSecond: 0, maxTokens: 1 } });
      const events = observe(policy);
      for (let i = 0; i < 8; i++) {
        const { fn } = scripted(clock, [{ ms: 100 }, { ms: 100 }]);
        const call = trackSettlement(policy.execute(fn));
        await clock.advanceAsync(100);
        expect(call.settled).toBe(true);
      }
      // The bucket starts full (1 token, so the first deposit is lost to the cap); then each
      // call adds a quarter: hedges on calls 1 and 5 only.
      expect(events.hedges).toHaveLength(2);
      expect(events.refused).toHaveLength(6);
      expect(events.refused[0]).toEqual({ attempt: 2, trigger: 'delay' });
      expect(clock.pendingTimers).toBe(0);
    });

    it('fails with the primary error when the budget refuses a hedge on failure', async () => {
      const clock = new VirtualClock();
      const policy = hedging({ clock, budget: { ratio: 0, minPerSecond: 0, maxTokens: 1 } });
      const events = observe(policy);
      const refused = new Error('refused');
      const failing = () => Promise.reject(refused);
      await expect(policy.execute(failing)).rejects.toBe(refused); // hedged with the one token
      await expect(policy.execute(failing)).rejects.toBe(refused);
      expect(events.hedges).toHaveLength(1);
      expect(events.refused).toEqual([{ attempt: 2, trigger: 'failure' }]);
    });

    it('is on by default: bursts of 10, then about one hedge per ten calls', async () => {
      const clock = new VirtualClock();
      const policy = hedging({ clock, delay: 0 });
      const events = observe(policy);
      const calls = Array.from({ length: 12 }, () => policy.execute(() => sleep(clock, 10)));
      await clock.runAllAsync();
      await Promise.all(calls);
      expect(events.hedges).toHaveLength(11);
      expect(events.refused).toHaveLength(1);
    });

    it('can be shared by several policies', async () => {
      const clock = new VirtualClock();
      const budget = new HedgingBudget({ clock, ratio: 0, minPerSecond: 0, maxTokens: 1 });
      const first = hedging({ clock, budget, delay: 0 });
      const second = hedging({ clock, budget, delay: 0 });
      const secondEvents = observe(second);
      const both = Promise.all([first, second].map((policy) => policy.execute(() => sleep(clock, 10))));
      await clock.runAllAsync();
      await both;
      expect(secondEvents.refused).toHaveLength(1);
      expect(budget.available).toBe(0);
    });

    it('caps extra load at maxTokens plus ratio per call, under any concurrency (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 40 }),
          fc.integer({ min: 1, max: 3 }),
          async (ratio, maxTokens, calls, maxHedgedAttempts) => {
            const clock = new VirtualClock();
            const policy = hedging({
              clock,
              delay: 10,
              maxHedgedAttempts,
              budget: { ratio, maxTokens, minPerSecond: 0 },
            });
            const events = observe(policy);
            const all = Array.from({ length: calls }, () => policy.execute(() => sleep(clock, 100)));
            await clock.runAllAsync();
            await Promise.all(all);
            expect(events.hedges.length).toBeLessThanOrEqual(Math.floor(maxTokens + ratio * calls + 1e-6));
            expect(events.hedges.length + events.refused.length).toBeGreaterThan(0);
            expect(clock.pendingTimers).toBe(0);
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  it('leaves no timers behind whatever the attempts do (property)', async () => {
    const step = fc.record({
      ms: fc.integer({ min: 0, max: 300 }),
      fail: fc.option(fc.constant(new Error('x')), { nil: undefined }),
      deaf: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 400 })),
        fc.integer({ min: 0, max: 150 }),
        async (steps, maxHedgedAttempts, abortAt, delay) => {
          const clock = new VirtualClock();
          const policy = hedging({ clock, delay, maxHedgedAttempts, budget: false });
          const { fn, started } = scripted(clock, steps);
          const controller = new AbortController();
          if (abortAt !== undefined) clock.setTimeout(() => controller.abort('stop'), abortAt);
          const call = trackSettlement(policy.execute(fn, { signal: controller.signal }));
          await clock.runAllAsync();
          expect(call.settled).toBe(true);
          expect(clock.pendingTimers).toBe(0);
          expect(started.length).toBeLessThanOrEqual(maxHedgedAttempts + 1);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('exports its defaults', () => {
    expect(DEFAULT_HEDGING_OPTIONS).toMatchObject({
      maxHedgedAttempts: 1,
      delay: 2000,
      hedgeOnFailure: true,
    });
  });

  it('rejects bad options, naming the field', () => {
    const cases: [unknown, string][] = [
      [{ maxHedgedAttempts: -1 }, 'maxHedgedAttempts'],
      [{ maxHedgedAttempts: 11 }, 'maxHedgedAttempts'],
      [{ maxHedgedAttempts: 1.5 }, 'maxHedgedAttempts'],
      [{ delay: -5 }, 'delay'],
      [{ delay: 'fast' }, 'delay'],
      [{ delay: null }, 'delay'],
      [{ delay: {} }, 'delay.percentile'],
      [{ delay: { percentile: 0 } }, 'delay.percentile'],
      [{ delay: { percentile: 1.5 } }, 'delay.percentile'],
      [{ delay: { percentile: 0.9, windowSize: 0 } }, 'delay.windowSize'],
      [{ delay: { percentile: 0.9, windowSize: 10, minSamples: 11 } }, 'delay.minSamples'],
      [{ delay: { percentile: 0.9, initialDelayMs: -1 } }, 'delay.initialDelayMs'],
      [{ delay: { percentile: 0.9, minDelayMs: Number.NaN } }, 'delay.minDelayMs'],
      [{ delay: { percentile: 0.9, window: 10 } }, 'delay.window'],
      [{ hedgeOnFailure: 1 }, 'hedgeOnFailure'],
      [{ handleError: 'all' }, 'handleError'],
      [{ budget: true }, 'budget'],
      [{ budget: { ratio: 2 } }, 'budget.ratio'],
      [{ budget: { minPerSecond: -1 } }, 'budget.minPerSecond'],
      [{ budget: { maxTokens: 0.5 } }, 'budget.maxTokens'],
      [{ budget: { percent: 5 } }, 'budget.percent'],
      [{ budget: { clock: {} } }, 'budget.clock'],
      [{ clock: { now: () => 0 } }, 'clock'],
      [{ delays: 5 }, 'hedging.delays'],
      [null, 'options'],
    ];
    for (const [options, field] of cases) {
      try {
        hedging(options as HedgingOptions);
        expect.unreachable(`accepted ${JSON.stringify(options)}`);
      } catch (error) {
        expect(isInvalidOptionError(error), JSON.stringify(options)).toBe(true);
        expect((error as { field: string }).field).toBe(field);
      }
    }
  });
});
