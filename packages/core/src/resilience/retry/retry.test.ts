import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isTimeoutError, type TimeoutError } from '../../errors/index.js';
import { BaseContext, contextFrom } from '../../policy/index.js';
import { seededRandom } from '../../random/index.js';
import { invalidOptionField, trackSettlement } from '../../testing/index.js';
import { oneAsyncLayer, settlementTurn } from '../../testing/microtasks.js';
import { timeout } from '../timeout/timeout.js';
import type { Backoff } from './backoff/backoff.js';
import { constant } from './backoff/constant.js';
import { isRetryAfterExceedsDeadlineError, type RetryAfterExceedsDeadlineError } from './errors.js';
import { DEFAULT_RETRY_OPTIONS, type GiveUpEvent, type RetryEvent, retry } from './retry.js';
import { RetryBudget } from './retry-budget.js';

/** A function that fails `failures` times, then returns 'ok'. */
function flaky(failures: number) {
  const calls: number[] = [];
  const errors: Error[] = [];
  const fn = (ctx: { attempt: number }) => {
    calls.push(ctx.attempt);
    if (calls.length <= failures) {
      const error = new Error(`failure ${calls.length}`);
      errors.push(error);
      return Promise.reject(error);
    }
    return Promise.resolve('ok');
  };
  return { fn, calls, errors };
}

/** A context that counts how often its signal is read. */
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

describe('retry, success path', () => {
  it('calls once, reads no signal and arms no timer when the first attempt succeeds', async () => {
    const clock = new VirtualClock();
    const policy = retry({ clock, budget: new RetryBudget({ clock }) });
    const successes: number[] = [];
    policy.onSuccess(({ attempts }) => successes.push(attempts));
    const ctx = new CountingContext();
    let calls = 0;
    const seen: unknown[] = [];
    const value = await policy.execute((c) => {
      calls++;
      seen.push(c);
      return 42;
    }, ctx);
    expect(value).toBe(42);
    expect(calls).toBe(1);
    expect(ctx.reads).toBe(0);
    expect(seen[0]).toBe(ctx);
    expect(clock.pendingTimers).toBe(0);
    expect(successes).toEqual([1]);
  });
});

describe('retry, failures', () => {
  it('retries after the backoff until an attempt succeeds', async () => {
    const clock = new VirtualClock();
    const policy = retry({ clock, backoff: constant({ delay: 100 }) });
    const retries: RetryEvent[] = [];
    const successes: number[] = [];
    policy.onRetry((e) => retries.push(e));
    policy.onSuccess(({ attempts }) => successes.push(attempts));
    const { fn, calls, errors } = flaky(2);
    const result = trackSettlement(policy.execute(fn));
    await clock.advanceAsync(99);
    expect(calls).toEqual([1]);
    await clock.advanceAsync(1);
    expect(calls).toEqual([1, 2]);
    await clock.advanceAsync(100);
    expect(calls).toEqual([1, 2, 3]);
    expect(result.value).toBe('ok');
    expect(retries).toEqual([
      { attempt: 1, delay: 100, fromRetryAfter: false, outcome: { kind: 'error', error: errors[0] } },
      { attempt: 2, delay: 100, fromRetryAfter: false, outcome: { kind: 'error', error: errors[1] } },
    ]);
    expect(successes).toEqual([3]);
  });

  it('retries synchronous throws', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const policy = retry({ clock, backoff: constant({ delay: 0 }) });
    const value = await policy.execute(() => {
      calls++;
      if (calls < 3) throw new Error('sync');
      return calls;
    });
    expect(value).toBe(3);
  });

  it('gives up after maxRetries and rethrows the last error as it is', async () => {
    const clock = new VirtualClock();
    const policy = retry({ clock, maxRetries: 2, backoff: constant({ delay: 10 }) });
    const giveUps: GiveUpEvent[] = [];
    policy.onGiveUp((e) => giveUps.push(e));
    const { fn, calls, errors } = flaky(10);
    const result = trackSettlement(policy.execute(fn));
    await clock.runAllAsync();
    expect(calls).toEqual([1, 2, 3]);
    expect(result.error).toBe(errors[2]);
    expect(giveUps).toEqual([
      { attempts: 3, reason: 'exhausted', outcome: { kind: 'error', error: errors[2] } },
    ]);
  });

  it('defaults to 3 retries', async () => {
    const clock = new VirtualClock();
    const { fn, calls } = flaky(10);
    const result = trackSettlement(retry({ clock, random: seededRandom(1) }).execute(fn));
    await clock.runAllAsync();
    expect(result.settled).toBe(true);
    expect(calls).toHaveLength(DEFAULT_RETRY_OPTIONS.maxRetries + 1);
  });

  it('rethrows at once an error handleError declines', async () => {
    const clock = new VirtualClock();
    const seen: [string, number][] = [];
    const policy = retry({
      clock,
      backoff: constant({ delay: 0 }),
      handleError: (error, attempt) => {
        seen.push([(error as Error).message, attempt]);
        return !(error instanceof TypeError);
      },
    });
    const giveUps: GiveUpEvent[] = [];
    policy.onGiveUp((e) => giveUps.push(e));
    let calls = 0;
    const fatal = new TypeError('fatal');
    const error = await policy
      .execute(() => {
        calls++;
        throw calls === 1 ? new Error('transient') : fatal;
      })
      .catch((e: unknown) => e);
    expect(error).toBe(fatal);
    expect(calls).toBe(2);
    expect(seen).toEqual([
      ['transient', 1],
      ['fatal', 2],
    ]);
    expect(giveUps).toEqual([]);
  });

  it('numbers the attempts in the context and keeps the deadline', async () => {
    const clock = new VirtualClock();
    const seen: [number, number][] = [];
    const policy = retry({ clock, backoff: constant({ delay: 0 }) });
    await policy
      .execute(
        (ctx) => {
          seen.push([ctx.attempt, ctx.deadline]);
          throw new Error('x');
        },
        { deadline: 1_000 },
      )
      .catch(() => undefined);
    expect(seen).toEqual([
      [1, 1_000],
      [2, 1_000],
      [3, 1_000],
      [4, 1_000],
    ]);
  });

  it('gives the backoff the attempt, the previous delay and a fresh state per execution', async () => {
    const clock = new VirtualClock();
    const calls: [number, number, number][] = [];
    const backoff: Backoff = {
      kind: 'recording',
      next: (attempt, previous, _random, state) => {
        calls.push([attempt, previous, state!.carry]);
        state!.carry += 1;
        return attempt * 10;
      },
    };
    const policy = retry({ clock, backoff, maxRetries: 3 });
    for (let run = 0; run < 2; run++) {
      const result = trackSettlement(policy.execute(flaky(10).fn));
      await clock.runAllAsync();
      expect(result.settled).toBe(true);
    }
    expect(calls).toEqual([
      [1, 0, 0],
      [2, 10, 1],
      [3, 20, 2],
      [1, 0, 0],
      [2, 10, 1],
      [3, 20, 2],
    ]);
  });
});

describe('retry on results', () => {
  it('retries results handleResult asks for and returns the good one', async () => {
    const clock = new VirtualClock();
    const statuses = [503, 503, 200];
    const policy = retry({
      clock,
      backoff: constant({ delay: 5 }),
      handleResult: (status) => status === 503,
    });
    const result = trackSettlement(policy.execute(() => statuses.shift()!));
    await clock.runAllAsync();
    expect(result.value).toBe(200);
  });

  it('returns the last result as it is when retries run out', async () => {
    const clock = new VirtualClock();
    const policy = retry({ clock, maxRetries: 1, backoff: constant({ delay: 5 }), handleResult: () => true });
    const giveUps: GiveUpEvent[] = [];
    policy.onGiveUp((e) => giveUps.push(e));
    let n = 0;
    const result = trackSettlement(policy.execute(() => ++n));
    await clock.runAllAsync();
    expect(result.value).toBe(2);
    expect(giveUps).toEqual([{ attempts: 2, reason: 'exhausted', outcome: { kind: 'result', result: 2 } }]);
  });
});

describe('retry, microtask turns', () => {
  it('hands over a first success on the turn one async wrapper would', async () => {
    const policy = retry({ clock: new VirtualClock() });
    const reference = await settlementTurn(oneAsyncLayer);
    expect(reference).toBeGreaterThan(0);
    expect(await settlementTurn((input) => policy.execute(() => input))).toBe(reference);
    const inspected = retry({ clock: new VirtualClock(), handleResult: () => false });
    expect(await settlementTurn((input) => inspected.execute(() => input))).toBe(reference);
  });

  it('adopts a plain value or a foreign thenable on the turn await would', async () => {
    const policy = retry({ clock: new VirtualClock() });
    // biome-ignore lint/suspicious/noThenProperty: the test needs a foreign thenable
    const thenable = { then: (onValue: (value: string) => void) => onValue('value') };
    const viaAwait = await settlementTurn(async (input) => {
      await input;
      return (async () => await (thenable as unknown as PromiseLike<string>))();
    });
    const viaPolicy = await settlementTurn(async (input) => {
      await input;
      return policy.execute(() => thenable as unknown as PromiseLike<string>);
    });
    expect(viaPolicy).toBe(viaAwait);
  });
});

describe('retry and cancellation', () => {
  it('retries a call that nothing can abort without reading a signal', async () => {
    class Unabortable extends CountingContext {
      override linkableSignal(): AbortSignal | undefined {
        return undefined;
      }
    }
    const clock = new VirtualClock();
    const policy = retry({ clock, backoff: constant({ delay: 10 }) });
    const ctx = new Unabortable();
    const { fn, calls } = flaky(2);
    const result = trackSettlement(policy.execute(fn, ctx));
    await clock.advanceAsync(100);
    expect(result.value).toBe('ok');
    expect(calls).toEqual([1, 2, 3]);
    expect(ctx.reads).toBe(0);
  });

  it('stops waiting when the caller aborts, with the caller reason', async () => {
    const clock = new VirtualClock();
    const policy = retry({ clock, backoff: constant({ delay: 1_000 }) });
    const giveUps: GiveUpEvent[] = [];
    policy.onGiveUp((e) => giveUps.push(e));
    const controller = new AbortController();
    const { fn, calls } = flaky(10);
    const result = trackSettlement(policy.execute(fn, { signal: controller.signal }));
    await clock.advanceAsync(100);
    const reason = new Error('user cancelled');
    controller.abort(reason);
    await clock.advanceAsync(5_000);
    expect(result.error).toBe(reason);
    expect(calls).toEqual([1]);
    expect(clock.pendingTimers).toBe(0);
    expect(giveUps.map((e) => e.reason)).toEqual(['aborted']);
  });

  it('does not retry an attempt that failed after the caller aborted', async () => {
    const clock = new VirtualClock();
    const policy = retry({ clock, backoff: constant({ delay: 0 }) });
    const controller = new AbortController();
    let calls = 0;
    const error = await policy
      .execute(
        ({ signal }) => {
          calls++;
          controller.abort('stop');
          return Promise.reject(signal.reason);
        },
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toBe('stop');
  });
});

describe('retry and deadlines', () => {
  it('does not start a wait the deadline cannot cover and rethrows the last error', async () => {
    const clock = new VirtualClock();
    const policy = retry({ clock, backoff: constant({ delay: 100 }) });
    const giveUps: GiveUpEvent[] = [];
    policy.onGiveUp((e) => giveUps.push(e));
    const { fn, calls, errors } = flaky(10);
    const result = trackSettlement(policy.execute(fn, { deadline: 250 }));
    await clock.advanceAsync(0);
    await clock.advanceAsync(100);
    await clock.advanceAsync(100);
    // At 200 the next 100 ms wait would reach the deadline of 250: stop now, without sleeping.
    expect(calls).toEqual([1, 2, 3]);
    expect(result.error).toBe(errors[2]);
    expect(clock.now()).toBe(200);
    expect(giveUps).toEqual([
      { attempts: 3, reason: 'deadline', outcome: { kind: 'error', error: errors[2] } },
    ]);
  });

  it('reserves minAttemptTimeMs for the attempt after the wait', async () => {
    const clock = new VirtualClock();
    const policy = retry({ clock, backoff: constant({ delay: 100 }), minAttemptTimeMs: 100 });
    const { fn, calls } = flaky(10);
    const result = trackSettlement(policy.execute(fn, { deadline: 250 }));
    await clock.runAllAsync();
    expect(calls).toEqual([1, 2]);
    expect(result.settled).toBe(true);
  });

  it('retries a per-attempt TimeoutError from an inner timeout', async () => {
    const clock = new VirtualClock();
    const perAttempt = timeout(50, { clock });
    const policy = retry({ clock, backoff: constant({ delay: 10 }) });
    let calls = 0;
    const result = trackSettlement(
      policy.execute((ctx) =>
        perAttempt.execute(
          ({ signal }) =>
            new Promise<string>((resolve, reject) => {
              calls++;
              if (calls >= 2) resolve('second try');
              else signal.addEventListener('abort', () => reject(signal.reason));
            }),
          ctx,
        ),
      ),
    );
    await clock.runAllAsync();
    expect(result.value).toBe('second try');
    expect(calls).toBe(2);
  });

  it('does not retry a TimeoutError caused by the outer deadline', async () => {
    const clock = new VirtualClock();
    const perAttempt = timeout(500, { clock });
    const policy = retry({ clock, backoff: constant({ delay: 0 }) });
    const giveUps: GiveUpEvent[] = [];
    policy.onGiveUp((e) => giveUps.push(e));
    let calls = 0;
    const result = trackSettlement(
      policy.execute(
        (ctx) =>
          perAttempt.execute(({ signal }) => {
            calls++;
            return new Promise<never>((_, reject) =>
              signal.addEventListener('abort', () => reject(signal.reason)),
            );
          }, ctx),
        { deadline: 120 },
      ),
    );
    await clock.runAllAsync();
    expect(calls).toBe(1);
    expect(isTimeoutError(result.error)).toBe(true);
    expect((result.error as TimeoutError).deadline).toBe(120);
    expect(giveUps.map((e) => e.reason)).toEqual(['deadline']);
  });
});

describe('retry and Retry-After', () => {
  it('waits the longer of the backoff and the server value', async () => {
    const clock = new VirtualClock();
    const asked = [500, 1];
    const policy = retry({ clock, backoff: constant({ delay: 100 }), retryAfter: () => asked.shift() });
    const retries: RetryEvent[] = [];
    policy.onRetry((e) => retries.push(e));
    const { fn } = flaky(2);
    const result = trackSettlement(policy.execute(fn));
    await clock.runAllAsync();
    expect(result.value).toBe('ok');
    expect(retries.map((e) => [e.delay, e.fromRetryAfter])).toEqual([
      [500, true],
      [100, false],
    ]);
    expect(clock.now()).toBe(600);
  });

  it('caps the server value at maxRetryAfterMs', async () => {
    const clock = new VirtualClock();
    const policy = retry({
      clock,
      backoff: constant({ delay: 0 }),
      retryAfter: () => 3_600_000,
      maxRetryAfterMs: 2_000,
    });
    const delays: number[] = [];
    policy.onRetry((e) => delays.push(e.delay));
    const result = trackSettlement(policy.execute(flaky(1).fn));
    await clock.runAllAsync();
    expect(result.value).toBe('ok');
    expect(delays).toEqual([2_000]);
  });

  it('fails fast with a typed error when the server wait passes the deadline', async () => {
    const clock = new VirtualClock();
    const policy = retry({
      clock,
      backoff: constant({ delay: 10 }),
      handleResult: (r) => (r as { status: number }).status === 503,
      retryAfter: (outcome) => (outcome.kind === 'result' ? 5_000 : undefined),
    });
    const giveUps: GiveUpEvent[] = [];
    policy.onGiveUp((e) => giveUps.push(e));
    const result = trackSettlement(policy.execute(() => ({ status: 503 }), { deadline: 1_000 }));
    await clock.advanceAsync(0);
    expect(clock.pendingTimers).toBe(0);
    expect(isRetryAfterExceedsDeadlineError(result.error)).toBe(true);
    const error = result.error as RetryAfterExceedsDeadlineError;
    expect([error.retryAfterMs, error.remainingMs, error.attempts]).toEqual([5_000, 1_000, 1]);
    expect(error.outcome).toEqual({ kind: 'result', result: { status: 503 } });
    expect(giveUps.map((e) => e.reason)).toEqual(['retry-after']);

    const failing = new Error('429');
    const policy2 = retry({ clock, retryAfter: () => 5_000 });
    const second = await policy2
      .execute(() => Promise.reject(failing), { deadline: 1_000 })
      .catch((e: unknown) => e);
    expect((second as Error).cause).toBe(failing);
  });

  it('gives up plainly, without asking the server value, once the deadline has passed', async () => {
    const clock = new VirtualClock(1_000);
    let asked = 0;
    const policy = retry({
      clock,
      retryAfter: () => {
        asked++;
        return 10;
      },
    });
    const failing = new Error('late');
    await expect(policy.execute(() => Promise.reject(failing), { deadline: 1_000 })).rejects.toBe(failing);
    expect(asked).toBe(0);
  });

  it('ignores negative or missing server values', async () => {
    const clock = new VirtualClock();
    const policy = retry({ clock, backoff: constant({ delay: 7 }), retryAfter: () => -5 });
    const delays: number[] = [];
    policy.onRetry((e) => delays.push(e.delay));
    const result = trackSettlement(policy.execute(flaky(1).fn));
    await clock.runAllAsync();
    expect(result.value).toBe('ok');
    expect(delays).toEqual([7]);
  });
});

describe('retry with a budget', () => {
  it('stops retrying when the shared budget is spent', async () => {
    const clock = new VirtualClock();
    const budget = new RetryBudget({ ratio: 0, minRetriesPerSecond: 1, clock });
    const a = retry({ clock, budget, backoff: constant({ delay: 0 }) });
    const b = retry({ clock, budget, backoff: constant({ delay: 0 }) });
    const exhausted: number[] = [];
    const giveUps: GiveUpEvent[] = [];
    b.onBudgetExhausted((e) => exhausted.push(e.attempt));
    b.onGiveUp((e) => giveUps.push(e));
    const first = flaky(1);
    await expect(a.execute(first.fn)).resolves.toBe('ok');
    expect(first.calls).toEqual([1, 2]);
    const second = flaky(1);
    await expect(b.execute(second.fn)).rejects.toBe(second.errors[0]);
    expect(second.calls).toEqual([1]);
    expect(exhausted).toEqual([1]);
    expect(giveUps.map((e) => e.reason)).toEqual(['budget']);
  });

  it('deposits for every request', async () => {
    const clock = new VirtualClock();
    const budget = new RetryBudget({ ratio: 0.5, minRetriesPerSecond: 0, clock });
    const policy = retry({ clock, budget, backoff: constant({ delay: 0 }) });
    await policy.execute(() => 1);
    await policy.execute(() => 1);
    expect(budget.balance).toBe(1);
  });
});

describe('retry invariants', () => {
  it('never calls more than maxRetries + 1 times, and returns or throws the last outcome', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.constantFrom('throw', 'bad', 'good'), { minLength: 1, maxLength: 12 }),
        async (maxRetries, script) => {
          const clock = new VirtualClock();
          const policy = retry({
            clock,
            maxRetries,
            backoff: constant({ delay: 0 }),
            handleResult: (r) => r === 'bad',
          });
          let calls = 0;
          let last: unknown;
          const outcome = await policy
            .execute(() => {
              const step = script[calls % script.length]!;
              calls++;
              if (step === 'throw') {
                last = new Error(`call ${calls}`);
                throw last;
              }
              last = step;
              return step;
            })
            .then(
              (value) => value,
              (error: unknown) => error,
            );
          expect(calls).toBeLessThanOrEqual(maxRetries + 1);
          expect(outcome).toBe(last);
          if (outcome !== 'good') expect(calls).toBe(maxRetries + 1);
        },
      ),
    );
  });
});

describe('retry options', () => {
  it.each([
    ['maxRetries', { maxRetries: -1 }],
    ['maxRetries', { maxRetries: 1.5 }],
    ['backoff', { backoff: { kind: 'x' } }],
    ['backoff', { backoff: 100 }],
    ['handleError', { handleError: true }],
    ['handleResult', { handleResult: 'no' }],
    ['retryAfter', { retryAfter: 5 }],
    ['maxRetryAfterMs', { maxRetryAfterMs: -1 }],
    ['minAttemptTimeMs', { minAttemptTimeMs: Number.NaN }],
    ['budget', { budget: {} }],
    ['clock', { clock: { now: () => 0 } }],
    ['random', { random: Math }],
    ['retry.maxAttempts', { maxAttempts: 3 }],
    ['options', null],
  ])('rejects a bad %s', (field, options) => {
    expect(invalidOptionField(() => retry(options as never))).toBe(field);
  });

  it('accepts Infinity retries and exposes its settings', () => {
    const policy = retry({ maxRetries: Number.POSITIVE_INFINITY });
    expect(policy.maxRetries).toBe(Number.POSITIVE_INFINITY);
    expect(policy.backoff.kind).toBe('exponential/full');
    expect(policy.budget).toBeUndefined();
  });

  it('works as a policy given a parent context', async () => {
    const parent = contextFrom({ deadline: 99 });
    await expect(retry().execute((ctx) => ctx.deadline, parent)).resolves.toBe(99);
  });
});
