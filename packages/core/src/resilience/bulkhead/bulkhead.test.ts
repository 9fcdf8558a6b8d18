import { describe, expect, it } from 'vitest';
import { flushMicrotasks, VirtualClock } from '../../clock/index.js';
import { isAbortedError, isTimeoutError, TimeoutError } from '../../errors/index.js';
import { ForwardContext } from '../../policy/index.js';
import { assertInvalidOption, deferred, trackSettlement } from '../../testing/index.js';
import { adaptiveBulkhead, bulkhead, isOverloadError } from './bulkhead.js';
import { BulkheadRejectedError, isBulkheadQueueTimeoutError, isBulkheadRejectedError } from './errors.js';
import { aimd } from './limits/aimd.js';

/** Observes a promise's outcome without letting an unhandled rejection escape. */
describe('bulkhead', () => {
  it('runs up to maxConcurrent at once and rejects the rest when the queue is off', async () => {
    const pool = bulkhead({ maxConcurrent: 2 });
    const gates = [deferred(), deferred()];
    const a = trackSettlement(pool.execute(() => gates[0]!.promise));
    const b = trackSettlement(pool.execute(() => gates[1]!.promise));
    expect(pool.stats()).toEqual({ executing: 2, queued: 0, available: 0, limit: 2, maxQueue: 0 });
    const rejected: string[] = [];
    pool.onReject(({ reason }) => rejected.push(reason));
    await expect(pool.execute(() => 'c')).rejects.toSatisfy(
      (e: BulkheadRejectedError) => isBulkheadRejectedError(e) && e.limit === 2 && e.executing === 2,
    );
    expect(rejected).toEqual(['full']);
    gates[0]!.resolve('a');
    gates[1]!.reject(new Error('b failed'));
    await flushMicrotasks();
    expect(a.value).toBe('a');
    expect((b.error as Error).message).toBe('b failed');
    expect(pool.stats()).toMatchObject({ executing: 0, available: 2 });
  });

  it('releases the permit on a synchronous throw', async () => {
    const pool = bulkhead({ maxConcurrent: 1 });
    await expect(
      pool.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(pool.executing).toBe(0);
    await expect(pool.execute(() => 42)).resolves.toBe(42);
  });

  it('admits queued calls in FIFO order as permits come back', async () => {
    const clock = new VirtualClock();
    const pool = bulkhead({ maxConcurrent: 1, maxQueue: 3, clock });
    const order: string[] = [];
    const first = deferred();
    const done = [
      pool.execute(() => first.promise),
      ...['b', 'c', 'd'].map((name) =>
        pool.execute(() => {
          order.push(name);
          return name;
        }),
      ),
    ];
    expect(pool.stats()).toMatchObject({ executing: 1, queued: 3 });
    await expect(pool.execute(() => 'e')).rejects.toSatisfy(isBulkheadRejectedError);
    first.resolve('a');
    expect(await Promise.all(done)).toEqual(['a', 'b', 'c', 'd']);
    expect(order).toEqual(['b', 'c', 'd']);
    expect(pool.stats()).toMatchObject({ executing: 0, queued: 0 });
  });

  it('never lets a newcomer overtake the queue', async () => {
    const pool = bulkhead({ maxConcurrent: 1, maxQueue: 2 });
    const first = deferred();
    const order: string[] = [];
    const a = pool.execute(() => first.promise);
    const b = pool.execute(() => order.push('queued'));
    first.resolve('a');
    // The permit is handed to the queued call before this newcomer arrives.
    const c = pool.execute(() => order.push('newcomer'));
    await Promise.all([a, b, c]);
    expect(order).toEqual(['queued', 'newcomer']);
  });

  it('removes a queued caller on queue timeout, measured on the clock', async () => {
    const clock = new VirtualClock();
    const pool = bulkhead({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 100, clock });
    const gate = deferred();
    const running = pool.execute(() => gate.promise);
    const reasons: string[] = [];
    pool.onReject(({ reason }) => reasons.push(reason));
    const waiting = trackSettlement(pool.execute(() => 'never'));
    clock.advance(99);
    await flushMicrotasks();
    expect(waiting.settled).toBe(false);
    clock.advance(1);
    await flushMicrotasks();
    expect(isBulkheadQueueTimeoutError(waiting.error)).toBe(true);
    expect(reasons).toEqual(['queue-timeout']);
    expect(pool.stats()).toMatchObject({ executing: 1, queued: 0 });
    gate.resolve('x');
    await running;
    expect(clock.pendingTimers).toBe(0);
  });

  it('removes a queued caller when its own signal aborts, keeping the reason', async () => {
    const pool = bulkhead({ maxConcurrent: 1, maxQueue: 2 });
    const gate = deferred();
    const running = pool.execute(() => gate.promise);
    const controller = new AbortController();
    const reason = new Error('user left');
    let ran = false;
    const waiting = pool.execute(
      () => {
        ran = true;
      },
      { signal: controller.signal },
    );
    const other = new AbortController();
    const plain = pool.execute(() => 'x', { signal: other.signal });
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    other.abort('just because');
    await expect(plain).rejects.toSatisfy((e: unknown) => isAbortedError(e) && e.reason === 'just because');
    expect(pool.queued).toBe(0);
    gate.resolve('done');
    await running;
    expect(ran).toBe(false);
    expect(pool.executing).toBe(0);
  });

  it('gives the permit back when the caller aborts between admission and start', async () => {
    const pool = bulkhead({ maxConcurrent: 1, maxQueue: 1 });
    const gate = deferred();
    const running = pool.execute(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const waiting = pool.execute(
      () => {
        ran = true;
      },
      { signal: controller.signal },
    );
    // The release hands the permit over synchronously; abort before the waiter resumes.
    pool.onRelease(() => controller.abort(new Error('changed my mind')));
    gate.resolve('a');
    await running;
    await expect(waiting).rejects.toThrow('changed my mind');
    expect(ran).toBe(false);
    expect(pool.stats()).toMatchObject({ executing: 0, queued: 0 });
  });

  it('removes its abort listener once a waiter is admitted or gives up', async () => {
    const clock = new VirtualClock();
    const pool = bulkhead({ maxConcurrent: 1, maxQueue: 2, queueTimeoutMs: 10, clock });
    const added: unknown[] = [];
    const removed: unknown[] = [];
    const watched = (): AbortSignal => {
      const signal = new AbortController().signal;
      const add = signal.addEventListener.bind(signal);
      const remove = signal.removeEventListener.bind(signal);
      signal.addEventListener = ((type: string, listener: EventListener) => {
        added.push(listener);
        add(type, listener);
      }) as never;
      signal.removeEventListener = ((type: string, listener: EventListener) => {
        removed.push(listener);
        remove(type, listener);
      }) as never;
      return signal;
    };
    const gate = deferred();
    const second = deferred();
    const running = pool.execute(() => gate.promise);
    const admitted = pool.execute(() => second.promise, { signal: watched() });
    const timedOut = trackSettlement(pool.execute(() => 'never', { signal: watched() }));
    clock.advance(5);
    gate.resolve('a');
    await running;
    clock.advance(10);
    await flushMicrotasks();
    expect(isBulkheadQueueTimeoutError(timedOut.error)).toBe(true);
    second.resolve('b');
    await admitted;
    expect(added.length).toBe(2);
    expect(removed).toEqual(added);
  });

  it('rejects an already aborted call without taking a permit', async () => {
    const pool = bulkhead({ maxConcurrent: 1 });
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(pool.execute(() => 1, { signal: controller.signal })).rejects.toThrow('gone');
    expect(pool.executing).toBe(0);
  });

  it('rejects a queued caller with TimeoutError when its deadline passes first', async () => {
    const clock = new VirtualClock();
    const pool = bulkhead({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 1_000, clock });
    const gate = deferred();
    const running = pool.execute(() => gate.promise);
    const waiting = trackSettlement(pool.execute(() => 'late', { deadline: 50 }));
    clock.advance(50);
    await flushMicrotasks();
    expect(isTimeoutError(waiting.error)).toBe(true);
    await expect(pool.execute(() => 1, { deadline: 50 })).rejects.toSatisfy(isTimeoutError);
    gate.resolve('ok');
    await running;
  });

  it('passes the incoming context through unchanged', async () => {
    const pool = bulkhead();
    const parent = new ForwardContext(
      { signal: new AbortController().signal, deadline: 9, attempt: 1 },
      9,
      3,
    );
    const seen = await pool.execute((context) => context, parent);
    expect(seen).toBe(parent);
  });

  it('emits acquire and release events with the occupancy', async () => {
    const clock = new VirtualClock();
    const pool = bulkhead({ maxConcurrent: 1, maxQueue: 1, clock });
    const log: string[] = [];
    pool.onAcquire(({ executing, queued, waitedMs }) =>
      log.push(`acquire ${executing}/${queued} ${waitedMs}`),
    );
    pool.onRelease(({ executing, queued }) => log.push(`release ${executing}/${queued}`));
    const gate = deferred();
    const a = pool.execute(() => gate.promise);
    const b = pool.execute(() => 'b');
    clock.advance(30);
    gate.resolve('a');
    await Promise.all([a, b]);
    expect(log).toEqual(['acquire 1/0 0', 'release 1/0', 'acquire 1/0 30', 'release 0/0']);
  });

  it('rejects bad options by name', () => {
    assertInvalidOption(() => bulkhead({ maxConcurrent: 0 }), 'bulkhead.maxConcurrent');
    assertInvalidOption(() => bulkhead({ maxConcurrent: 1.5 }), 'bulkhead.maxConcurrent');
    assertInvalidOption(() => bulkhead({ maxQueue: -1 }), 'bulkhead.maxQueue');
    assertInvalidOption(() => bulkhead({ queueTimeoutMs: -5 }), 'bulkhead.queueTimeoutMs');
    assertInvalidOption(() => bulkhead({ queueTimeoutMs: Number.NaN }), 'bulkhead.queueTimeoutMs');
    assertInvalidOption(() => bulkhead({ clock: {} as never }), 'bulkhead.clock');
    assertInvalidOption(() => bulkhead({ maxConcurent: 3 } as never), 'bulkhead.maxConcurent');
    assertInvalidOption(() => adaptiveBulkhead({} as never), 'limit');
    assertInvalidOption(() => adaptiveBulkhead(aimd(), { isDrop: 3 as never }), 'adaptiveBulkhead.isDrop');
    assertInvalidOption(
      () => adaptiveBulkhead(aimd(), { maxConcurrent: 3 } as never),
      'adaptiveBulkhead.maxConcurrent',
    );
  });
});

describe('adaptiveBulkhead', () => {
  it('feeds rtt, inflight and drops to the limit and follows it', async () => {
    const clock = new VirtualClock();
    const pool = adaptiveBulkhead(aimd({ initialLimit: 2, backoffRatio: 0.5 }), { clock, maxQueue: 10 });
    const changes: string[] = [];
    pool.onLimitChange(({ from, to, sample }) =>
      changes.push(`${from}->${to} rtt=${sample.rttMs} drop=${sample.didDrop}`),
    );
    expect(pool.limit).toBe(2);
    const slow = (ms: number) => () =>
      new Promise<string>((resolve) => clock.setTimeout(() => resolve('ok'), ms));
    const a = pool.execute(slow(10));
    const b = pool.execute(slow(20));
    await clock.advanceAsync(20);
    await Promise.all([a, b]);
    expect(pool.limit).toBe(4);
    await expect(
      pool.execute(() => {
        throw new TimeoutError(5);
      }),
    ).rejects.toSatisfy(isTimeoutError);
    expect(pool.limit).toBe(2);
    // An ordinary failure is not a capacity signal.
    await expect(pool.execute(() => Promise.reject(new Error('bad input')))).rejects.toThrow('bad input');
    expect(pool.limit).toBe(2);
    expect(changes).toEqual(['2->3 rtt=10 drop=false', '3->4 rtt=20 drop=false', '4->2 rtt=0 drop=true']);
  });

  it('admits waiters when the limit rises and holds them while it is lowered', async () => {
    const clock = new VirtualClock();
    const pool = adaptiveBulkhead(aimd({ initialLimit: 1, backoffRatio: 0.5 }), { clock, maxQueue: 5 });
    const gate = deferred();
    const first = pool.execute(() => gate.promise);
    const waiters = [pool.execute(() => 'b'), pool.execute(() => 'c')];
    expect(pool.queued).toBe(2);
    gate.resolve('a');
    expect(await Promise.all([first, ...waiters])).toEqual(['a', 'b', 'c']);
    expect(pool.limit).toBeGreaterThan(1);
  });

  it('accepts a custom drop classifier', async () => {
    const pool = adaptiveBulkhead(aimd({ initialLimit: 10, backoffRatio: 0.5 }), {
      isDrop: (e) => (e as Error).message === '503',
    });
    await expect(pool.execute(() => Promise.reject(new Error('503')))).rejects.toThrow('503');
    expect(pool.limit).toBe(5);
  });

  it('classifies overload errors', () => {
    expect(isOverloadError(new TimeoutError(1))).toBe(true);
    expect(isOverloadError(new BulkheadRejectedError(1, 1, 0, 0))).toBe(true);
    expect(isOverloadError(new Error('x'))).toBe(false);
  });
});
