import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isTimeoutError, TimeoutError } from '../../errors/index.js';
import type { ExecuteContext } from '../../policy/index.js';
import { sleep } from '../../signal/index.js';
import { trackSettlement } from '../../testing/index.js';
import { circuitBreaker, consecutiveFailures, isBrokenCircuitError } from '../circuit-breaker/index.js';
import { fallback } from '../fallback/index.js';
import { hedging, isHedgeLostError } from '../hedging/index.js';
import { constant, retry } from '../retry/index.js';
import { timeout } from '../timeout/index.js';
import { pipeline } from './index.js';

/** The usual stack: retry outside a breaker outside a per-attempt timeout. */
function stack(clock: VirtualClock) {
  const breaker = circuitBreaker({ clock, breaker: consecutiveFailures(3), breakDurationMs: 1000 });
  const policy = pipeline(
    retry({ clock, maxRetries: 2, backoff: constant({ delay: 10 }) }),
    breaker,
    timeout(50, { clock }),
  );
  return { breaker, policy };
}

describe('pipeline of the real policies', () => {
  const Original = globalThis.AbortController;
  afterEach(() => {
    globalThis.AbortController = Original;
  });

  it('on success hands the function attempt 1 and the timeout deadline, creating no AbortController', async () => {
    const clock = new VirtualClock(1000);
    const { policy } = stack(clock);
    let created = 0;
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        created++;
      }
    };
    const seen: ExecuteContext[] = [];
    await expect(
      policy.execute((context) => {
        seen.push(context);
        return 'ok';
      }),
    ).resolves.toBe('ok');
    expect(seen.map((c) => [c.attempt, c.deadline])).toEqual([[1, 1050]]);
    expect(created).toBe(0);
    // The timeout keeps one shared timer armed until it next falls due, then lets it go.
    await clock.runAllAsync();
    expect(clock.pendingTimers).toBe(0);
  });

  it('retries attempts that time out, each with its own deadline and attempt number', async () => {
    const clock = new VirtualClock();
    const { policy } = stack(clock);
    const seen: [number, number][] = [];
    const call = trackSettlement(
      policy.execute(async ({ attempt, deadline, signal }) => {
        seen.push([attempt, deadline]);
        await sleep(clock, attempt < 3 ? 1000 : 5, signal);
        return attempt;
      }),
    );
    await clock.runAllAsync();
    expect(call).toMatchObject({ settled: true, value: 3 });
    // Attempt 1 times out at 50, waits 10; attempt 2 starts at 60 and times out at 110.
    expect(seen).toEqual([
      [1, 50],
      [2, 110],
      [3, 170],
    ]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('opens the breaker after repeated timeouts; the retry then sees the rejection', async () => {
    const clock = new VirtualClock();
    const { breaker, policy } = stack(clock);
    let calls = 0;
    const call = trackSettlement(
      policy.execute(async ({ signal }) => {
        calls++;
        await sleep(clock, 1000, signal);
      }),
    );
    await clock.runAllAsync();
    expect(calls).toBe(3);
    expect(isTimeoutError(call.error)).toBe(true);
    expect(breaker.state.kind).toBe('open');
    const rejected = trackSettlement(policy.execute(() => 'never runs'));
    await clock.advanceAsync(100);
    expect(isBrokenCircuitError(rejected.error)).toBe(true);
  });

  it('lets a fallback outermost replace what the stack finally gave up with', async () => {
    const clock = new VirtualClock();
    const { policy } = stack(clock);
    const guarded = pipeline(fallback('cached'), policy);
    const call = trackSettlement(
      guarded.execute<string>(({ signal }) => sleep(clock, 1000, signal).then(() => 'live')),
    );
    await clock.runAllAsync();
    expect(call).toMatchObject({ settled: true, value: 'cached' });
  });

  it('delivers the caller abort reason to the function through every layer', async () => {
    const clock = new VirtualClock();
    const { policy } = stack(clock);
    const controller = new AbortController();
    const reason = new Error('user left');
    let seenReason: unknown;
    const call = trackSettlement(
      pipeline(fallback('cached'), policy).execute<string>(
        async ({ signal }) => {
          try {
            await sleep(clock, 1000, signal);
            return 'live';
          } finally {
            seenReason = signal.reason;
          }
        },
        { signal: controller.signal },
      ),
    );
    await clock.advanceAsync(20);
    controller.abort(reason);
    await clock.runAllAsync();
    expect(seenReason).toBe(reason);
    expect(call).toMatchObject({ settled: true, error: reason });
  });

  it('runs hedged attempts under one timeout: the deadline aborts them all', async () => {
    const clock = new VirtualClock();
    const hedged = pipeline(timeout(250, { clock }), hedging({ clock, delay: 100, budget: false }));
    const reasons: unknown[] = [];
    const call = trackSettlement(
      hedged.execute(async ({ signal, deadline }) => {
        expect(deadline).toBe(250);
        try {
          await sleep(clock, 1000, signal);
        } finally {
          reasons.push(signal.reason);
        }
      }),
    );
    await clock.runAllAsync();
    expect(call.error).toBeInstanceOf(TimeoutError);
    expect(reasons).toHaveLength(2);
    for (const reason of reasons) expect(isTimeoutError(reason)).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('retries a hedged call as a whole, losers aborted with HedgeLostError', async () => {
    const clock = new VirtualClock();
    const hedged = pipeline(
      retry({ clock, maxRetries: 1, backoff: constant({ delay: 0 }) }),
      hedging({ clock, delay: 100, budget: false, hedgeOnFailure: false }),
    );
    const lost: unknown[] = [];
    const call = trackSettlement(
      hedged.execute(async ({ signal, attempt }) => {
        signal.addEventListener('abort', () => lost.push(signal.reason));
        await sleep(clock, attempt === 1 ? 500 : 20, signal);
        return attempt;
      }),
    );
    await clock.runAllAsync();
    expect(call).toMatchObject({ settled: true, value: 2 });
    expect(lost).toHaveLength(1);
    expect(isHedgeLostError(lost[0])).toBe(true);
  });
});
