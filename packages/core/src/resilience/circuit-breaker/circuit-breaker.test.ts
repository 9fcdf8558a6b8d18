import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { AbortedError, isInvalidOptionError, TimeoutError } from '../../errors/index.js';
import { ForwardContext } from '../../policy/index.js';
import { deferred } from '../../testing/index.js';
import { exponentialBreakDuration } from './break-duration.js';
import { consecutiveFailures } from './breaker/consecutive.js';
import { countWindow } from './breaker/count-window.js';
import { timeWindow } from './breaker/time-window.js';
import { CircuitBreaker, type CircuitBreakerOptions, circuitBreaker } from './circuit-breaker.js';
import {
  BrokenCircuitError,
  IsolatedCircuitError,
  isBrokenCircuitError,
  isIsolatedCircuitError,
} from './errors.js';
import type { StateChangeEvent } from './state.js';

const boom = (): Promise<never> => Promise.reject(new Error('boom'));
const ok = (): Promise<string> => Promise.resolve('ok');

function make(options: CircuitBreakerOptions = {}) {
  const clock = new VirtualClock(1_000);
  const breaker = circuitBreaker({ clock, ...options });
  const changes: StateChangeEvent[] = [];
  breaker.onStateChange((e) => changes.push(e));
  return { clock, breaker, changes };
}

async function trip(breaker: CircuitBreaker, failures: number): Promise<void> {
  for (let i = 0; i < failures; i++) await breaker.execute(boom).catch(() => undefined);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('circuitBreaker: closed', () => {
  it('returns values and rethrows errors unchanged', async () => {
    const { breaker } = make();
    expect(await breaker.execute(() => 42)).toBe(42);
    const error = new Error('mine');
    await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
    await expect(
      breaker.execute(() => {
        throw error;
      }),
    ).rejects.toBe(error);
    expect(breaker.state).toEqual({ kind: 'closed', generation: 0 });
  });

  it('hands an incoming context to fn unchanged and builds one from plain options', async () => {
    const { breaker } = make();
    const parent = new ForwardContext(new ForwardContext({} as never, 50, 1), 50, 3);
    expect(await breaker.execute((ctx) => ctx, parent)).toBe(parent);
    const controller = new AbortController();
    const ctx = await breaker.execute((c) => c, { signal: controller.signal, deadline: 77 });
    expect(ctx.signal).toBe(controller.signal);
    expect(ctx.deadline).toBe(77);
    expect(ctx.attempt).toBe(1);
  });

  it('opens after five consecutive failures by default, and a success restarts the count', async () => {
    const { breaker, changes } = make();
    await trip(breaker, 4);
    await breaker.execute(ok);
    await trip(breaker, 4);
    expect(breaker.state.kind).toBe('closed');
    await trip(breaker, 1);
    expect(breaker.state).toEqual({
      kind: 'open',
      generation: 1,
      openedAt: 1_000,
      until: 6_000,
      openings: 1,
    });
    expect(changes).toEqual([{ from: 'closed', to: 'open', generation: 1, reason: 'tripped' }]);
  });
});

describe('circuitBreaker: open', () => {
  it('refuses calls without running them, saying how long is left', async () => {
    const { breaker, clock } = make({ breaker: consecutiveFailures(1), breakDurationMs: 2_000 });
    await trip(breaker, 1);
    clock.advance(500);
    const fn = vi.fn(ok);
    const error = await breaker.execute(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(BrokenCircuitError);
    expect(error).toMatchObject({
      code: 'KEEL_CIRCUIT_OPEN',
      retryAfterMs: 1_500,
      state: 'open',
      generation: 1,
    });
  });

  it('becomes half-open lazily, on the first call after the break, without any timer', async () => {
    const { breaker, clock, changes } = make({ breaker: consecutiveFailures(1), breakDurationMs: 2_000 });
    await trip(breaker, 1);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(2_000);
    expect(breaker.state.kind).toBe('open');
    const probe = deferred();
    const running = breaker.execute(() => probe.promise);
    expect(breaker.state).toMatchObject({
      kind: 'half-open',
      generation: 2,
      since: 3_000,
      inFlight: 1,
      permits: 1,
    });
    probe.resolve('back');
    expect(await running).toBe('back');
    expect(breaker.state).toEqual({ kind: 'closed', generation: 3 });
    expect(changes.map((c) => `${c.from}>${c.to}:${c.reason}`)).toEqual([
      'closed>open:tripped',
      'open>half-open:break-elapsed',
      'half-open>closed:probes-succeeded',
    ]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps an unending break open until reset', async () => {
    const { breaker, clock } = make({
      breaker: consecutiveFailures(1),
      breakDurationMs: Number.POSITIVE_INFINITY,
    });
    await trip(breaker, 1);
    clock.advance(1e12);
    await expect(breaker.execute(ok)).rejects.toMatchObject({ retryAfterMs: Number.POSITIVE_INFINITY });
    expect(breaker.toJSON().until).toBeNull();
    breaker.reset();
    expect(await breaker.execute(ok)).toBe('ok');
  });
});

describe('circuitBreaker: half-open', () => {
  it('admits exactly halfOpenPermits probes at once and refuses the rest', async () => {
    const { breaker, clock } = make({
      breaker: consecutiveFailures(1),
      halfOpenPermits: 2,
      breakDurationMs: 100,
    });
    await trip(breaker, 1);
    clock.advance(100);
    const a = deferred();
    const b = deferred();
    const first = breaker.execute(() => a.promise);
    const second = breaker.execute(() => b.promise);
    const third = await breaker.execute(ok).catch((e: unknown) => e);
    expect(third).toMatchObject({
      code: 'KEEL_CIRCUIT_OPEN',
      state: 'half-open',
      retryAfterMs: 0,
      generation: 2,
    });
    a.resolve('a');
    await first;
    // One success of the two required: still half-open, and the permit is free again.
    expect(breaker.state).toMatchObject({ kind: 'half-open', successes: 1, inFlight: 1 });
    b.resolve('b');
    await second;
    expect(breaker.state.kind).toBe('closed');
  });

  it('needs successThreshold successes, and probes may follow one another', async () => {
    const { breaker, clock } = make({
      breaker: consecutiveFailures(1),
      successThreshold: 3,
      breakDurationMs: 100,
    });
    await trip(breaker, 1);
    clock.advance(100);
    await breaker.execute(ok);
    await breaker.execute(ok);
    expect(breaker.state).toMatchObject({ kind: 'half-open', successes: 2 });
    await breaker.execute(ok);
    expect(breaker.state.kind).toBe('closed');
  });

  it('reopens on any probe failure, counting consecutive openings, and ignores the other probes', async () => {
    const { breaker, clock, changes } = make({
      breaker: consecutiveFailures(1),
      halfOpenPermits: 2,
      breakDuration: exponentialBreakDuration({ initialMs: 100, factor: 2 }),
    });
    await trip(breaker, 1);
    expect(breaker.state).toMatchObject({ until: 1_100, openings: 1 });
    clock.advance(100);
    const slow = deferred();
    const late = breaker.execute(() => slow.promise);
    await breaker.execute(boom).catch(() => undefined);
    expect(breaker.state).toMatchObject({ kind: 'open', openings: 2, openedAt: 1_100, until: 1_300 });
    const generation = breaker.state.generation;
    slow.resolve('late');
    expect(await late).toBe('late');
    // The stale success neither closed the circuit nor moved it anywhere.
    expect(breaker.state).toMatchObject({ kind: 'open', generation });
    expect(changes.at(-1)).toEqual({ from: 'half-open', to: 'open', generation, reason: 'probe-failed' });
  });

  it('gives the permit back when a probe fails with an ignored error', async () => {
    const { breaker, clock } = make({ breaker: consecutiveFailures(1), breakDurationMs: 100 });
    await trip(breaker, 1);
    clock.advance(100);
    await expect(
      breaker.execute(() => Promise.reject(new AbortedError('caller left'))),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(breaker.state).toMatchObject({ kind: 'half-open', inFlight: 0 });
    await breaker.execute(ok);
    expect(breaker.state.kind).toBe('closed');
  });

  it('reopens when the probes outlive halfOpenMaxDurationMs, ignoring their late results', async () => {
    const { breaker, clock, changes } = make({
      breaker: consecutiveFailures(1),
      breakDurationMs: 100,
      halfOpenMaxDurationMs: 1_000,
    });
    await trip(breaker, 1);
    clock.advance(100);
    const hung = deferred();
    const probe = breaker.execute(() => hung.promise);
    clock.advance(999);
    await expect(breaker.execute(ok)).rejects.toMatchObject({ state: 'half-open' });
    clock.advance(1);
    await expect(breaker.execute(ok)).rejects.toMatchObject({ state: 'open', retryAfterMs: 100 });
    expect(changes.at(-1)?.reason).toBe('probe-timeout');
    const generation = breaker.state.generation;
    hung.resolve('finally');
    await probe;
    expect(breaker.state).toMatchObject({ kind: 'open', generation, openings: 2 });
  });
});

describe('circuitBreaker: stale generations', () => {
  it('a failure admitted before the circuit opened is not counted against the next closed period', async () => {
    const { breaker, clock } = make({ breaker: consecutiveFailures(2), breakDurationMs: 100 });
    const old = deferred();
    const stale = breaker.execute(() => old.promise).catch(() => undefined);
    await trip(breaker, 2);
    clock.advance(100);
    await breaker.execute(ok);
    expect(breaker.state.kind).toBe('closed');
    old.reject(new Error('from long ago'));
    await stale;
    expect(breaker.metrics.failures).toBe(0);
    await trip(breaker, 1);
    expect(breaker.state.kind).toBe('closed');
  });

  it('a stale probe failure cannot reopen a circuit that closed', async () => {
    const { breaker, clock } = make({
      breaker: consecutiveFailures(1),
      halfOpenPermits: 2,
      successThreshold: 1,
    });
    await trip(breaker, 1);
    clock.advance(5_000);
    const first = deferred();
    const pending = breaker.execute(() => first.promise).catch(() => undefined);
    await breaker.execute(ok);
    expect(breaker.state.kind).toBe('closed');
    first.reject(new Error('late probe failure'));
    await pending;
    expect(breaker.state.kind).toBe('closed');
  });

  it('still reports stale outcomes through onSuccess and onFailure with their own generation', async () => {
    const { breaker } = make({ breaker: consecutiveFailures(1) });
    const failures: number[] = [];
    breaker.onFailure((e) => failures.push(e.generation));
    const slow = deferred();
    const pending = breaker.execute(() => slow.promise).catch(() => undefined);
    await trip(breaker, 1);
    slow.reject(new Error('stale'));
    await pending;
    expect(failures).toEqual([0, 0]);
    expect(breaker.state.generation).toBe(1);
  });
});

describe('circuitBreaker: what counts as a failure', () => {
  it('by default ignores cancellations and counts timeouts', async () => {
    const { breaker } = make({ breaker: consecutiveFailures(1) });
    const abort = new DOMException('stop', 'AbortError');
    await expect(breaker.execute(() => Promise.reject(abort))).rejects.toBe(abort);
    await expect(breaker.execute(() => Promise.reject(new AbortedError('x')))).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect(breaker.state.kind).toBe('closed');
    await expect(breaker.execute(() => Promise.reject(new TimeoutError(10)))).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(breaker.state.kind).toBe('open');
  });

  it('handleError decides which errors count; the others pass through unrecorded', async () => {
    class NotFound extends Error {}
    const { breaker } = make({
      breaker: consecutiveFailures(1),
      handleError: (e) => !(e instanceof NotFound),
    });
    const notFound = new NotFound();
    await expect(breaker.execute(() => Promise.reject(notFound))).rejects.toBe(notFound);
    expect(breaker.state.kind).toBe('closed');
    await trip(breaker, 1);
    expect(breaker.state.kind).toBe('open');
  });

  it('handleResult counts returned values as failures but still returns them', async () => {
    const failures: unknown[] = [];
    const { breaker } = make({
      breaker: consecutiveFailures(2),
      handleResult: (r) => (r as { status: number }).status >= 500,
    });
    breaker.onFailure((e) => failures.push(e.source === 'result' ? e.result : e.error));
    expect(await breaker.execute(() => ({ status: 503 }))).toEqual({ status: 503 });
    expect(await breaker.execute(() => ({ status: 200 }))).toEqual({ status: 200 });
    await breaker.execute(() => ({ status: 500 }));
    await breaker.execute(() => ({ status: 502 }));
    expect(breaker.state.kind).toBe('open');
    expect(failures).toEqual([{ status: 503 }, { status: 500 }, { status: 502 }]);
  });

  it('a predicate that throws counts the call as a failure and reports the error', async () => {
    const reported: (() => void)[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((cb) => {
      reported.push(cb);
    });
    const { breaker } = make({
      breaker: consecutiveFailures(1),
      handleError: () => {
        throw new Error('bad predicate');
      },
    });
    await breaker.execute(boom).catch(() => undefined);
    expect(breaker.state.kind).toBe('open');
    expect(reported).toHaveLength(1);
    expect(() => reported[0]!()).toThrow('bad predicate');
  });
});

describe('circuitBreaker: break duration', () => {
  it('uses the generator per consecutive opening and starts over after closing', async () => {
    const seen: number[] = [];
    const { breaker, clock } = make({
      breaker: consecutiveFailures(1),
      breakDuration: (openings) => {
        seen.push(openings);
        return openings * 1_000;
      },
    });
    await trip(breaker, 1);
    clock.advance(1_000);
    await trip(breaker, 1);
    expect(breaker.state).toMatchObject({ kind: 'open', until: clock.now() + 2_000 });
    clock.advance(2_000);
    await breaker.execute(ok);
    await trip(breaker, 1);
    expect(seen).toEqual([1, 2, 1]);
  });

  it('falls back to breakDurationMs when the generator misbehaves', async () => {
    const reported: (() => void)[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((cb) => {
      reported.push(cb);
    });
    const results: unknown[] = [Number.NaN, -5, 'soon'];
    const { breaker, clock } = make({
      breaker: consecutiveFailures(1),
      breakDurationMs: 700,
      breakDuration: () => {
        if (results.length === 0) throw new Error('generator broke');
        return results.shift() as number;
      },
    });
    for (let i = 0; i < 4; i++) {
      await trip(breaker, 1);
      expect(breaker.state).toMatchObject({ kind: 'open', until: clock.now() + 700 });
      clock.advance(700);
    }
    expect(reported).toHaveLength(1);
  });
});

describe('circuitBreaker: manual control', () => {
  it('isolate holds the circuit open from any state until every handle is released', async () => {
    const { breaker, changes } = make();
    const first = breaker.isolate();
    const second = breaker.isolate();
    const error = await breaker.execute(ok).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IsolatedCircuitError);
    expect(isIsolatedCircuitError(error) && error.generation).toBe(1);
    expect(breaker.state).toEqual({ kind: 'isolated', generation: 1, isolations: 2 });
    first.dispose();
    first.dispose();
    expect(breaker.state.kind).toBe('isolated');
    second.dispose();
    expect(breaker.state.kind).toBe('closed');
    expect(changes.map((c) => `${c.from}>${c.to}:${c.reason}`)).toEqual([
      'closed>isolated:isolated',
      'isolated>closed:released',
    ]);
  });

  it('isolates an open circuit, and reset closes it and voids old handles', async () => {
    const { breaker, changes } = make({ breaker: consecutiveFailures(1) });
    await trip(breaker, 1);
    const handle = breaker.isolate();
    breaker.reset();
    expect(breaker.state.kind).toBe('closed');
    const again = breaker.isolate();
    handle.dispose();
    expect(breaker.state.kind).toBe('isolated');
    again.dispose();
    expect(changes.map((c) => `${c.from}>${c.to}:${c.reason}`)).toEqual([
      'closed>open:tripped',
      'open>isolated:isolated',
      'isolated>closed:reset',
      'closed>isolated:isolated',
      'isolated>closed:released',
    ]);
  });

  it('reset on a closed circuit forgets the counted failures without a transition', async () => {
    const { breaker, changes } = make({ breaker: consecutiveFailures(2) });
    await trip(breaker, 1);
    breaker.reset();
    await trip(breaker, 1);
    expect(breaker.state.kind).toBe('closed');
    expect(changes).toEqual([]);
  });
});

describe('circuitBreaker: results instead of exceptions', () => {
  it('executeResult returns values, errors and refusals as outcomes', async () => {
    const { breaker } = make({ breaker: consecutiveFailures(1) });
    expect(await breaker.executeResult(() => 5)).toEqual({ ok: true, value: 5 });
    const error = new Error('x');
    expect(await breaker.executeResult(() => Promise.reject(error))).toEqual({ ok: false, error });
    const refused = await breaker.executeResult(ok);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && isBrokenCircuitError(refused.error) && refused.error.retryAfterMs).toBe(5_000);
    const handle = breaker.isolate();
    const isolated = await breaker.executeResult(ok);
    expect(!isolated.ok && isIsolatedCircuitError(isolated.error)).toBe(true);
    handle.dispose();
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
  });

  it('shares one refusal per generation in result mode, refreshing retryAfterMs; throws fresh errors', async () => {
    const { breaker, clock } = make({ breaker: consecutiveFailures(1), breakDurationMs: 1_000 });
    await trip(breaker, 1);
    const first = await breaker.executeResult(ok);
    clock.advance(300);
    const second = await breaker.executeResult(ok);
    expect(!first.ok && !second.ok && first.error === second.error).toBe(true);
    expect(!second.ok && isBrokenCircuitError(second.error) && second.error.retryAfterMs).toBe(700);
    const thrownA = await breaker.execute(ok).catch((e: unknown) => e);
    const thrownB = await breaker.execute(ok).catch((e: unknown) => e);
    expect(thrownA).not.toBe(thrownB);
    expect(String((thrownA as Error).stack)).toContain('BrokenCircuitError');
    clock.advance(700);
    await breaker.execute(boom).catch(() => undefined);
    const third = await breaker.executeResult(ok);
    expect(!third.ok && !second.ok && third.error !== second.error).toBe(true);
    expect(!third.ok && isBrokenCircuitError(third.error) && third.error.generation).toBe(3);
  });

  it('counts executeResult outcomes like execute', async () => {
    const { breaker, clock } = make({ breaker: consecutiveFailures(2), breakDurationMs: 10 });
    await breaker.executeResult(boom);
    await breaker.executeResult(boom);
    expect(breaker.state.kind).toBe('open');
    clock.advance(10);
    expect(await breaker.executeResult(ok)).toEqual({ ok: true, value: 'ok' });
    expect(breaker.state.kind).toBe('closed');
  });
});

describe('circuitBreaker: events', () => {
  it('emits every transition and call outcome with clock-measured durations', async () => {
    const { breaker, clock } = make({ breaker: consecutiveFailures(1), breakDurationMs: 100 });
    const log: string[] = [];
    breaker.onBreak((e) => log.push(`break ${e.state} g${e.generation} until ${e.until} #${e.openings}`));
    breaker.onHalfOpen((e) => log.push(`half-open g${e.generation}`));
    breaker.onReset((e) => log.push(`reset g${e.generation} ${e.reason}`));
    breaker.onSuccess((e) => log.push(`success ${e.duration}ms g${e.generation}`));
    breaker.onFailure((e) => log.push(`failure ${e.duration}ms g${e.generation}`));
    breaker.onReject((e) => log.push(`reject ${e.state} ${e.retryAfterMs}`));
    const call = deferred();
    const running = breaker.execute(() => call.promise).catch(() => undefined);
    clock.advance(30);
    call.reject(new Error('x'));
    await running;
    await breaker.execute(ok).catch(() => undefined);
    clock.advance(100);
    await breaker.execute(ok);
    breaker.isolate();
    expect(log).toEqual([
      'failure 30ms g0',
      'break open g1 until 1130 #1',
      'reject open 100',
      'half-open g2',
      'success 0ms g2',
      'reset g3 probes-succeeded',
      'break isolated g4 until Infinity #0',
    ]);
  });

  it('reports NaN durations for calls that started before anyone subscribed', async () => {
    const { breaker } = make();
    const call = deferred();
    const running = breaker.execute(() => call.promise);
    const durations: number[] = [];
    breaker.onSuccess((e) => durations.push(e.duration));
    call.resolve('x');
    await running;
    await breaker.execute(ok);
    expect(durations[0]).toBeNaN();
    expect(durations[1]).toBe(0);
  });

  it('dispose drops every listener and unsubscribing works', async () => {
    const { breaker, changes } = make({ breaker: consecutiveFailures(1) });
    const other: unknown[] = [];
    const subscription = breaker.onReject((e) => other.push(e));
    subscription.dispose();
    await trip(breaker, 1);
    await breaker.execute(ok).catch(() => undefined);
    expect(other).toEqual([]);
    expect(changes).toHaveLength(1);
    breaker.dispose();
    breaker.reset();
    expect(changes).toHaveLength(1);
    expect(await breaker.execute(ok)).toBe('ok');
  });
});

describe('circuitBreaker: windows and slow calls', () => {
  it('opens a count window on slow calls measured on the clock', async () => {
    const { breaker, clock } = make({
      breaker: countWindow({ size: 4, minimumCalls: 2, slowCallDurationMs: 100, slowCallRateThreshold: 1 }),
    });
    const slowCall = async (ms: number) => {
      const call = deferred();
      const running = breaker.execute(() => call.promise);
      clock.advance(ms);
      call.resolve('done');
      return running;
    };
    await slowCall(150);
    expect(breaker.metrics).toMatchObject({ calls: 1, slowCalls: 1 });
    await slowCall(101);
    expect(breaker.state.kind).toBe('open');
  });

  it('opens a time window when enough recent calls fail, and forgets old ones', async () => {
    const { breaker, clock } = make({
      breaker: timeWindow({ samplingDurationMs: 1_000, minimumThroughput: 4, failureRateThreshold: 0.5 }),
    });
    await trip(breaker, 3);
    clock.advance(1_000);
    await breaker.execute(ok);
    await trip(breaker, 1);
    expect(breaker.metrics).toMatchObject({ calls: 2, failures: 1 });
    await trip(breaker, 1);
    expect(breaker.state.kind).toBe('closed');
    await trip(breaker, 1);
    expect(breaker.state.kind).toBe('open');
  });

  it('clears the window when the circuit closes', async () => {
    const { breaker, clock } = make({
      breaker: countWindow({ size: 4, minimumCalls: 2 }),
      breakDurationMs: 10,
    });
    await trip(breaker, 2);
    clock.advance(10);
    await breaker.execute(ok);
    expect(breaker.metrics.calls).toBe(0);
  });
});

describe('circuitBreaker: export and hydrate', () => {
  it('round-trips an open circuit through JSON onto another clock', async () => {
    const { breaker, clock } = make({
      breaker: countWindow({ size: 3, minimumCalls: 2 }),
      breakDurationMs: 1_000,
    });
    await trip(breaker, 2);
    clock.advance(400);
    const json = JSON.parse(JSON.stringify(breaker.toJSON()));
    expect(json).toEqual({
      version: 1,
      state: 'open',
      generation: 1,
      exportedAt: 1_400,
      openedAt: 1_000,
      until: 2_000,
      openings: 1,
      probeSuccesses: 0,
      breaker: { kind: 'count-window', outcomes: [1, 1] },
    });
    const other = new VirtualClock(50_000);
    const copy = circuitBreaker({
      clock: other,
      breaker: countWindow({ size: 3, minimumCalls: 2 }),
      hydrate: json,
    });
    expect(copy.state).toEqual({ kind: 'open', generation: 1, openedAt: 49_600, until: 50_600, openings: 1 });
    expect(copy.metrics).toMatchObject({ calls: 2, failures: 2 });
    expect(copy.exportState()).toEqual({ ...json, exportedAt: 50_000, openedAt: 49_600, until: 50_600 });
    await expect(copy.execute(ok)).rejects.toMatchObject({ retryAfterMs: 600 });
  });

  it('round-trips closed, half-open and isolated circuits', async () => {
    const { breaker, clock } = make({
      breaker: consecutiveFailures(3),
      successThreshold: 2,
      breakDurationMs: 10,
    });
    await trip(breaker, 2);
    const closed = circuitBreaker({ breaker: consecutiveFailures(3), hydrate: breaker.toJSON() });
    await trip(closed, 1);
    expect(closed.state.kind).toBe('open');

    await trip(breaker, 1);
    clock.advance(10);
    await breaker.execute(ok);
    const halfOpen = breaker.toJSON();
    expect(halfOpen).toMatchObject({ state: 'half-open', probeSuccesses: 1, openedAt: 1_010 });
    const restored = circuitBreaker({
      clock,
      breaker: consecutiveFailures(3),
      successThreshold: 2,
      hydrate: halfOpen,
    });
    expect(restored.state).toMatchObject({ kind: 'half-open', successes: 1, inFlight: 0 });
    await restored.execute(ok);
    expect(restored.state.kind).toBe('closed');

    breaker.isolate();
    const isolated = circuitBreaker({ hydrate: breaker.toJSON() });
    expect(isolated.state).toEqual({ kind: 'isolated', generation: 3, isolations: 0 });
    await expect(isolated.execute(ok)).rejects.toBeInstanceOf(IsolatedCircuitError);
    isolated.reset();
    expect(isolated.state.kind).toBe('closed');
  });

  it('restores a time window and an unending break', async () => {
    const { breaker } = make({
      breaker: timeWindow({ minimumThroughput: 1, failureRateThreshold: 1 }),
      breakDurationMs: Number.POSITIVE_INFINITY,
    });
    await trip(breaker, 1);
    const copy = circuitBreaker({
      breaker: timeWindow({ minimumThroughput: 1, failureRateThreshold: 1 }),
      hydrate: JSON.parse(JSON.stringify(breaker.toJSON())),
    });
    expect(copy.state).toMatchObject({ kind: 'open', until: Number.POSITIVE_INFINITY });
    expect(copy.metrics.failures).toBe(1);
  });

  it('rejects a snapshot of another policy kind or a malformed one, naming the field', () => {
    const snapshot = circuitBreaker({ breaker: consecutiveFailures(2) }).toJSON();
    const attempt = (hydrate: unknown, options: CircuitBreakerOptions = {}) => {
      try {
        circuitBreaker({ ...options, hydrate: hydrate as never });
      } catch (error) {
        return isInvalidOptionError(error) ? error.field : 'other';
      }
      return 'accepted';
    };
    expect(attempt(snapshot)).toBe('accepted');
    expect(attempt(snapshot, { breaker: countWindow() })).toBe('hydrate.breaker.kind');
    expect(attempt({ ...snapshot, generation: 'x' })).toBe('hydrate.generation');
    expect(attempt({ ...snapshot, breaker: { kind: 'consecutive', failures: 'many' } })).toBe(
      'hydrate.breaker.failures',
    );
    expect(attempt(null)).toBe('hydrate');
  });
});

describe('circuitBreaker: options', () => {
  const bad: [string, Record<string, unknown>][] = [
    ['breaker', { breaker: {} }],
    ['breaker', { breaker: 'consecutive' }],
    ['breakDurationMs', { breakDurationMs: -1 }],
    ['breakDurationMs', { breakDurationMs: Number.NaN }],
    ['breakDuration', { breakDuration: 1_000 }],
    ['halfOpenPermits', { halfOpenPermits: 0 }],
    ['halfOpenPermits', { halfOpenPermits: 1.5 }],
    ['successThreshold', { successThreshold: 0 }],
    ['halfOpenMaxDurationMs', { halfOpenMaxDurationMs: 0 }],
    ['handleError', { handleError: true }],
    ['handleResult', { handleResult: 'status' }],
    ['clock', { clock: { now: 5 } }],
    ['circuitBreaker.threshold', { threshold: 5 }],
  ];
  it.each(bad)('rejects a bad %s', (field, options) => {
    try {
      new CircuitBreaker(options as CircuitBreakerOptions);
      expect.unreachable();
    } catch (error) {
      expect(isInvalidOptionError(error) && error.field).toBe(field);
    }
  });

  it('refuses a trip policy that another circuit already uses', () => {
    const shared = consecutiveFailures(3);
    circuitBreaker({ breaker: shared });
    expect(() => circuitBreaker({ breaker: shared })).toThrow(/no other circuit breaker/);
  });

  it('rejects a non-object options argument', () => {
    expect(() => new CircuitBreaker(5 as never)).toThrow(/circuitBreaker/);
  });
});
