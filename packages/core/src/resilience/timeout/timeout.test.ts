import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isAbortedError, isTimeoutError, type TimeoutError } from '../../errors/index.js';
import type { ExecuteContext } from '../../policy/index.js';
import { BaseContext, contextFrom } from '../../policy/index.js';
import { invalidOptionField, type Settlement, trackSettlement } from '../../testing/index.js';
import { oneAsyncLayer, settlementTurn } from '../../testing/microtasks.js';
import { DEFAULT_TIMEOUT_OPTIONS, type TimeoutEvent, timeout } from './timeout.js';

/** A promise that rejects with the signal's reason once it aborts (what fetch does). */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function delay<T>(clock: VirtualClock, ms: number, value: T): Promise<T> {
  return new Promise((resolve) => clock.setTimeout(() => resolve(value), ms));
}

describe('timeout, microtask turns', () => {
  it('hands over a success or a failure on the turn one async wrapper would', async () => {
    const policy = timeout(1_000, { clock: new VirtualClock() });
    for (const fail of [false, true]) {
      const reference = await settlementTurn(oneAsyncLayer, fail);
      expect(reference).toBeGreaterThan(0);
      expect(await settlementTurn((input) => policy.execute(() => input), fail)).toBe(reference);
    }
  });

  it('adopts a plain value on the turn await would', async () => {
    const policy = timeout(1_000, { clock: new VirtualClock() });
    const viaAwait = await settlementTurn(async (input) => {
      await input;
      return (async () => await 'plain')();
    });
    const viaPolicy = await settlementTurn(async (input) => {
      await input;
      return policy.execute(() => 'plain');
    });
    expect(viaPolicy).toBe(viaAwait);
  });
});

describe('timeout, cooperative mode', () => {
  it('aborts the signal at the limit with a TimeoutError carrying the deadline', async () => {
    const clock = new VirtualClock(1_000);
    const policy = timeout(100, { clock });
    let seen: AbortSignal | undefined;
    const result = trackSettlement(
      policy.execute(({ signal }) => {
        seen = signal;
        return untilAborted(signal);
      }),
    );
    await clock.advanceAsync(99);
    expect(result.settled).toBe(false);
    expect(seen?.aborted).toBe(false);
    await clock.advanceAsync(1);
    expect(result.settled).toBe(true);
    expect(isTimeoutError(result.error)).toBe(true);
    const error = result.error as TimeoutError;
    expect(error.timeoutMs).toBe(100);
    expect(error.deadline).toBe(1_100);
    expect(seen?.reason).toBe(error);
  });

  it('waits for a function that ignores its signal and returns its outcome', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock });
    const result = trackSettlement(policy.execute(() => delay(clock, 150, 'late but done')));
    await clock.advanceAsync(120);
    expect(result.settled).toBe(false);
    await clock.advanceAsync(30);
    expect(result).toEqual({ settled: true, value: 'late but done' });
  });

  it('gives the function a deadline of now plus the duration', async () => {
    const clock = new VirtualClock(500);
    const policy = timeout(100, { clock });
    const deadline = await policy.execute((ctx) => ctx.deadline);
    expect(deadline).toBe(600);
  });

  it('passes synchronous throws and values through', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock });
    await expect(
      policy.execute(() => {
        throw new RangeError('sync');
      }),
    ).rejects.toThrow(RangeError);
    await expect(policy.execute(() => 7)).resolves.toBe(7);
    expect(policy.inFlight).toBe(0);
  });
});

describe('timeout, aggressive mode', () => {
  it('rejects at the limit even if the function never settles', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock, mode: 'aggressive' });
    const result = trackSettlement(policy.execute(() => new Promise<never>(() => {})));
    await clock.advanceAsync(99);
    expect(result.settled).toBe(false);
    await clock.advanceAsync(1);
    expect(isTimeoutError(result.error)).toBe(true);
    expect(policy.inFlight).toBe(0);
  });

  it('ignores what the function does after the limit', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock, mode: 'aggressive' });
    const result = trackSettlement(
      policy.execute(async () => {
        await delay(clock, 200, undefined);
        throw new Error('too late to matter');
      }),
    );
    await clock.advanceAsync(300);
    expect(isTimeoutError(result.error)).toBe(true);
  });

  it('resolves with the value when the function is in time', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock, mode: 'aggressive' });
    const result = trackSettlement(policy.execute(() => delay(clock, 40, 'fast')));
    await clock.advanceAsync(40);
    expect(result.value).toBe('fast');
    const failed = trackSettlement(
      policy.execute(() => {
        throw new Error('boom');
      }),
    );
    await clock.advanceAsync(0);
    expect((failed.error as Error).message).toBe('boom');
  });

  it('rejects at once with the caller abort reason', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock, mode: 'aggressive' });
    const controller = new AbortController();
    const reason = new Error('user left');
    const result = trackSettlement(
      policy.execute(() => new Promise<never>(() => {}), { signal: controller.signal }),
    );
    await clock.advanceAsync(10);
    controller.abort(reason);
    await clock.advanceAsync(0);
    expect(result.error).toBe(reason);
    const already = trackSettlement(policy.execute(() => 1, { signal: controller.signal }));
    await clock.advanceAsync(0);
    expect(already.error).toBe(reason);
  });
});

describe('timeout and its parent context', () => {
  it('keeps the parent abort reason unchanged', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock });
    const controller = new AbortController();
    const reason = { why: 'shutdown' };
    const result = trackSettlement(
      policy.execute(({ signal }) => untilAborted(signal), { signal: controller.signal }),
    );
    await clock.advanceAsync(10);
    controller.abort(reason);
    await clock.advanceAsync(0);
    expect(result.error).toBe(reason);
  });

  it('shrinks to an earlier parent deadline and times out there', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock });
    const events: TimeoutEvent[] = [];
    policy.onTimeout((event) => events.push(event));
    let deadline = 0;
    const result = trackSettlement(
      policy.execute(
        (ctx) => {
          deadline = ctx.deadline;
          return untilAborted(ctx.signal);
        },
        { deadline: 30 },
      ),
    );
    expect(deadline).toBe(30);
    await clock.advanceAsync(29);
    expect(result.settled).toBe(false);
    await clock.advanceAsync(1);
    expect((result.error as TimeoutError).timeoutMs).toBe(30);
    expect(events).toEqual([{ timeoutMs: 30, elapsedMs: 30, deadline: 30, attempt: 1 }]);
  });

  it('keeps its own deadline when the parent deadline is later', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock });
    await expect(policy.execute((ctx) => ctx.deadline, { deadline: 5_000 })).resolves.toBe(100);
  });

  it('nests: an inner timeout never outlives the outer one', async () => {
    const clock = new VirtualClock();
    const outer = timeout(50, { clock, mode: 'aggressive' });
    const inner = timeout(1_000, { clock });
    let innerDeadline = 0;
    const result = trackSettlement(
      outer.execute((ctx) =>
        inner.execute((innerCtx) => {
          innerDeadline = innerCtx.deadline;
          return untilAborted(innerCtx.signal);
        }, ctx),
      ),
    );
    await clock.advanceAsync(50);
    expect(innerDeadline).toBe(50);
    expect(isTimeoutError(result.error)).toBe(true);
    expect((result.error as TimeoutError).deadline).toBe(50);
    expect(clock.pendingTimers).toBeLessThanOrEqual(2);
  });

  it('keeps the attempt number of the parent context', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock });
    const parent: ExecuteContext = contextFrom({ deadline: 10_000 });
    await expect(policy.execute((ctx) => ctx.attempt, parent)).resolves.toBe(1);
  });

  it('rejects without calling the function when the deadline has already passed', async () => {
    const clock = new VirtualClock(100);
    const policy = timeout(100, { clock });
    let called = false;
    const failures: unknown[] = [];
    policy.onFailure(({ error }) => failures.push(error));
    const error = await policy
      .execute(
        () => {
          called = true;
        },
        { deadline: 100 },
      )
      .catch((e: unknown) => e);
    expect(called).toBe(false);
    expect(isTimeoutError(error)).toBe(true);
    expect(failures).toEqual([error]);
  });
});

describe('timeout after the function settles', () => {
  it('does not abort the signal after success by default', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock });
    const signal = await policy.execute(({ signal }) => signal);
    await clock.advanceAsync(1_000);
    expect(signal.aborted).toBe(false);
    expect(DEFAULT_TIMEOUT_OPTIONS.abortOnReturn).toBe(false);
  });

  it('aborts the signal after success when abortOnReturn is set', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock, abortOnReturn: true });
    const signal = await policy.execute(({ signal }) => signal);
    expect(signal.aborted).toBe(true);
    expect(isAbortedError(signal.reason)).toBe(true);
    expect(isTimeoutError(signal.reason)).toBe(false);
  });

  it('stops following the parent once settled', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock });
    const controller = new AbortController();
    const signal = await policy.execute(({ signal }) => signal, { signal: controller.signal });
    controller.abort('later');
    expect(signal.aborted).toBe(false);
  });
});

describe('timeout events', () => {
  it('reports timeouts, successes and failures', async () => {
    const clock = new VirtualClock(10);
    const policy = timeout(100, { clock });
    const log: string[] = [];
    const subscriptions = [
      policy.onTimeout((e) => log.push(`timeout ${e.elapsedMs} ${e.deadline}`)),
      policy.onSuccess((e) => log.push(`success ${e.durationMs} ${e.timedOut}`)),
      policy.onFailure((e) => log.push(`failure ${e.durationMs} ${e.timedOut} ${(e.error as Error).name}`)),
    ];
    const ok = policy.execute(() => delay(clock, 20, 1));
    const slow = policy.execute(({ signal }) => untilAborted(signal)).catch(() => undefined);
    await clock.advanceAsync(200);
    await Promise.all([ok, slow]);
    expect(log).toEqual(['success 20 false', 'timeout 100 110', 'failure 100 true TimeoutError']);
    for (const s of subscriptions) s.dispose();
    await policy.execute(() => 1);
    expect(log).toHaveLength(3);
  });
});

describe('timeout success path', () => {
  class CountingContext extends BaseContext {
    reads = 0;
    readonly deadline = Number.POSITIVE_INFINITY;
    readonly attempt = 1;
    private readonly controller = new AbortController();
    get signal(): AbortSignal {
      this.reads++;
      return this.controller.signal;
    }
  }

  it('never reads the parent signal when the function does not', async () => {
    const clock = new VirtualClock();
    const policy = timeout(100, { clock });
    const parent = new CountingContext();
    for (let i = 0; i < 3; i++) await policy.execute(() => i, parent);
    expect(parent.reads).toBe(0);
    await policy.execute(({ signal }) => signal.aborted, parent);
    expect(parent.reads).toBe(1);
  });
});

describe('timeout shares one timer across calls', () => {
  it('does not arm a timer per call', async () => {
    const clock = new VirtualClock();
    const policy = timeout(1_000, { clock });
    for (let i = 0; i < 100; i++) await policy.execute(() => i);
    expect(clock.pendingTimers).toBe(1);
    const many = Array.from({ length: 100 }, (_, i) => policy.execute(() => delay(clock, 10 + i, i)));
    expect(clock.pendingTimers).toBe(101);
    await clock.advanceAsync(200);
    await Promise.all(many);
    expect(clock.pendingTimers).toBeLessThanOrEqual(1);
  });

  it('times out exactly the calls that outlive the limit, with at most two timers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ gap: fc.integer({ min: 0, max: 30 }), work: fc.integer({ min: 1, max: 200 }) }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        fc.integer({ min: 1, max: 150 }),
        async (calls, limit) => {
          const clock = new VirtualClock();
          const policy = timeout(limit, { clock });
          const outcomes: { work: number; result: Settlement<string> }[] = [];
          let peakTimers = 0;
          const watch = () => {
            // Work timers are the test's own: one per unfinished call.
            const unfinished = outcomes.filter((o) => !o.result.settled).length;
            peakTimers = Math.max(peakTimers, clock.pendingTimers - unfinished);
          };
          for (const { gap, work } of calls) {
            await clock.advanceAsync(gap);
            watch();
            const result = trackSettlement(
              policy.execute(
                ({ signal }) =>
                  new Promise<string>((resolve, reject) => {
                    const timer = clock.setTimeout(() => resolve('done'), work);
                    signal.addEventListener('abort', () => {
                      timer.clear();
                      reject(signal.reason);
                    });
                  }),
              ),
            );
            outcomes.push({ work, result });
            watch();
          }
          for (let i = 0; i < 400; i += 5) {
            await clock.advanceAsync(5);
            watch();
          }
          for (const { work, result } of outcomes) {
            expect(result.settled).toBe(true);
            if (work < limit) expect(result.value).toBe('done');
            else if (work > limit) expect(isTimeoutError(result.error)).toBe(true);
          }
          expect(peakTimers).toBeLessThanOrEqual(2);
          expect(policy.inFlight).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('timeout options', () => {
  const clock = new VirtualClock();
  it.each([
    ['durationMs', () => timeout(0)],
    ['durationMs', () => timeout(-5)],
    ['durationMs', () => timeout(Number.NaN)],
    ['durationMs', () => timeout(undefined as unknown as number)],
    ['durationMs', () => timeout('100' as unknown as number)],
    ['mode', () => timeout(10, { mode: 'eager' as never })],
    ['abortOnReturn', () => timeout(10, { abortOnReturn: 'yes' as never })],
    ['clock', () => timeout(10, { clock: {} as never })],
    ['clock', () => timeout(10, { clock: 5 as never })],
    ['timeout.durationMs', () => timeout(10, { durationMs: 5 } as never)],
    ['options', () => timeout(10, 'fast' as never)],
  ])('rejects a bad %s', (field, build) => {
    expect(invalidOptionField(build)).toBe(field);
  });

  it('accepts Infinity, leaving only the parent deadline', async () => {
    const policy = timeout(Number.POSITIVE_INFINITY, { clock });
    expect(await policy.execute((ctx) => ctx.deadline)).toBe(Number.POSITIVE_INFINITY);
    expect(await policy.execute((ctx) => ctx.deadline, { deadline: clock.now() + 5 })).toBe(clock.now() + 5);
  });

  it('exposes its settings', () => {
    const policy = timeout(25, { clock, mode: 'aggressive' });
    expect([policy.durationMs, policy.mode, policy.abortOnReturn]).toEqual([25, 'aggressive', false]);
  });
});
