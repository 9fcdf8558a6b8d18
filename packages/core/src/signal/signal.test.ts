import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/index.js';
import { AbortedError, isTimeoutError, TimeoutError } from '../errors/index.js';
import {
  abortError,
  deadlineSignal,
  earliest,
  linkSignals,
  raceAbort,
  remaining,
  sleep,
  throwIfAborted,
} from './signal.js';

function listenerCount(signal: AbortSignal): number {
  // Node exposes the listener count through a symbol-keyed map; count by probing instead.
  const symbols = Object.getOwnPropertySymbols(signal);
  const kEvents = symbols.find((s) => s.description === 'kEvents');
  const events = kEvents
    ? (signal as unknown as Record<symbol, Map<string, { size: number }>>)[kEvents]
    : undefined;
  if (!events) throw new Error('cannot inspect AbortSignal listeners on this platform');
  return events.get('abort')?.size ?? 0;
}

describe('linkSignals', () => {
  it('aborts with the parent reason and keeps it', () => {
    const parent = new AbortController();
    const linked = linkSignals(parent.signal);
    const reason = new Error('shutdown');
    parent.abort(reason);
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe(reason);
  });

  it('removes its listeners from long-lived parents on dispose (no leak)', () => {
    const longLived = new AbortController();
    for (let i = 0; i < 1000; i++) linkSignals(longLived.signal).dispose();
    expect(listenerCount(longLived.signal)).toBe(0);
  });

  it('starts aborted when a parent already is', () => {
    const parent = new AbortController();
    parent.abort('gone');
    expect(linkSignals(undefined, parent.signal).signal.reason).toBe('gone');
  });
});

describe('deadlineSignal', () => {
  it('aborts with a TimeoutError at the deadline', () => {
    const clock = new VirtualClock(100);
    const linked = deadlineSignal(clock, 150);
    clock.advance(49);
    expect(linked.signal.aborted).toBe(false);
    clock.advance(1);
    expect(isTimeoutError(linked.signal.reason)).toBe(true);
    expect((linked.signal.reason as TimeoutError).deadline).toBe(150);
  });

  it('is aborted at once for a past deadline and clears its timer on dispose', () => {
    const clock = new VirtualClock(100);
    expect(deadlineSignal(clock, 50).signal.aborted).toBe(true);
    const linked = deadlineSignal(clock, 500);
    expect(clock.pendingTimers).toBe(1);
    linked.dispose();
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('helpers', () => {
  it('abortError keeps Error reasons and wraps others', () => {
    const c = new AbortController();
    c.abort('text');
    expect(abortError(c.signal)).toBeInstanceOf(AbortedError);
    const d = new AbortController();
    const reason = new TimeoutError(1);
    d.abort(reason);
    expect(abortError(d.signal)).toBe(reason);
    expect(() => throwIfAborted(d.signal)).toThrow(reason);
    expect(() => throwIfAborted(undefined)).not.toThrow();
  });

  it('raceAbort rejects on abort and detaches afterwards', async () => {
    const c = new AbortController();
    const never = new Promise<number>(() => {});
    const raced = raceAbort(never, c.signal);
    c.abort(new Error('cancelled'));
    await expect(raced).rejects.toThrow('cancelled');
    const ok = new AbortController();
    await expect(raceAbort(Promise.resolve(3), ok.signal)).resolves.toBe(3);
    expect(listenerCount(ok.signal)).toBe(0);
  });

  it('sleep waits on the injected clock and can be cancelled', async () => {
    const clock = new VirtualClock();
    let done = false;
    const p = sleep(clock, 100).then(() => {
      done = true;
    });
    await clock.advanceAsync(99);
    expect(done).toBe(false);
    await clock.advanceAsync(1);
    await p;
    expect(done).toBe(true);
    const c = new AbortController();
    const cancelled = sleep(clock, 100, c.signal);
    c.abort(new Error('no'));
    await expect(cancelled).rejects.toThrow('no');
    expect(clock.pendingTimers).toBe(0);
  });

  it('remaining and earliest', () => {
    const clock = new VirtualClock(10);
    expect(remaining(clock, 25)).toBe(15);
    expect(remaining(clock, 5)).toBe(0);
    expect(remaining(clock, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(earliest(undefined, 4)).toBe(4);
    expect(earliest(undefined, undefined)).toBe(Number.POSITIVE_INFINITY);
  });
});
