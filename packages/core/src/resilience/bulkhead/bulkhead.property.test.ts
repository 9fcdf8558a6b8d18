import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flushMicrotasks, VirtualClock } from '../../clock/index.js';
import { isAbortedError, isTimeoutError } from '../../errors/index.js';
import { adaptiveBulkhead, type Bulkhead, bulkhead } from './bulkhead.js';
import { isBulkheadQueueTimeoutError, isBulkheadRejectedError } from './errors.js';
import { aimd } from './limits/aimd.js';

type Op =
  | { kind: 'start'; withSignal: boolean; deadline: number | undefined; throwSync: boolean }
  | { kind: 'finish'; pick: number; ok: boolean }
  | { kind: 'abort'; pick: number }
  | { kind: 'advance'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('start' as const),
      withSignal: fc.boolean(),
      deadline: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined, freq: 3 }),
      throwSync: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('finish' as const), pick: fc.nat(), ok: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 80 }) }),
  },
);
const ops = fc.array(op, { minLength: 5, maxLength: 80, size: 'large' });

interface Call {
  id: number;
  controller: AbortController | undefined;
  finish?: (ok: boolean) => void;
  running: boolean;
  settled: boolean;
  error?: unknown;
}

async function exercise(pool: Bulkhead, clock: VirtualClock, ops: Op[], maxConcurrent: () => number) {
  const calls: Call[] = [];
  const startOrder: number[] = [];
  const check = (): void => {
    expect(pool.executing).toBeLessThanOrEqual(maxConcurrent());
    expect(pool.queued).toBeLessThanOrEqual(pool.maxQueue);
    expect(pool.executing).toBe(calls.filter((c) => c.running).length);
    expect(pool.available).toBe(Math.max(0, pool.limit - pool.executing));
  };
  for (const step of ops) {
    if (step.kind === 'start') {
      const call: Call = {
        id: calls.length,
        controller: step.withSignal ? new AbortController() : undefined,
        running: false,
        settled: false,
      };
      calls.push(call);
      const deadline = step.deadline === undefined ? undefined : clock.now() + step.deadline;
      pool
        .execute(
          () => {
            startOrder.push(call.id);
            if (step.throwSync) throw new Error('sync');
            call.running = true;
            return new Promise<void>((resolve, reject) => {
              call.finish = (ok) => {
                call.running = false;
                call.finish = undefined;
                if (ok) resolve();
                else reject(new Error('failed'));
              };
            });
          },
          { signal: call.controller?.signal, deadline },
        )
        .then(
          () => {
            call.settled = true;
          },
          (error: unknown) => {
            call.settled = true;
            call.error = error;
          },
        );
    } else if (step.kind === 'finish') {
      const running = calls.filter((c) => c.finish);
      if (running.length > 0) running[step.pick % running.length]!.finish!(step.ok);
    } else if (step.kind === 'abort') {
      const abortable = calls.filter((c) => c.controller && !c.controller.signal.aborted);
      if (abortable.length > 0)
        abortable[step.pick % abortable.length]!.controller!.abort(new Error('abort'));
    } else {
      clock.advance(step.ms);
    }
    await flushMicrotasks();
    check();
  }
  // Admission is FIFO: functions start in the order their calls arrived.
  expect(startOrder).toEqual([...startOrder].sort((a, b) => a - b));
  // Drain: finish everything still running, let every timer fire.
  for (let round = 0; round < 1000; round++) {
    const running = calls.filter((c) => c.finish);
    for (const call of running) call.finish!(true);
    await clock.runAllAsync();
    await flushMicrotasks();
    if (calls.every((c) => c.settled)) break;
  }
  expect(calls.every((c) => c.settled)).toBe(true);
  for (const call of calls) {
    if (call.error === undefined) continue;
    const e = call.error;
    const known =
      isBulkheadRejectedError(e) ||
      isBulkheadQueueTimeoutError(e) ||
      isTimeoutError(e) ||
      isAbortedError(e) ||
      (e as Error).message === 'abort' ||
      (e as Error).message === 'failed' ||
      (e as Error).message === 'sync';
    expect(known).toBe(true);
  }
  expect(pool.executing).toBe(0);
  expect(pool.queued).toBe(0);
  expect(clock.pendingTimers).toBe(0);
}

describe('bulkhead under random interleavings', () => {
  it('never exceeds its limits, leaks no permit, and settles every caller', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.option(fc.integer({ min: 0, max: 150 }), { nil: undefined }),
        ops,
        async (maxConcurrent, maxQueue, queueTimeoutMs, ops) => {
          const clock = new VirtualClock();
          const pool = bulkhead({ maxConcurrent, maxQueue, queueTimeoutMs, clock });
          await exercise(pool, clock, ops, () => maxConcurrent);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the same guarantees while an adaptive limit moves', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), ops, async (maxQueue, ops) => {
        const clock = new VirtualClock();
        const pool = adaptiveBulkhead(aimd({ initialLimit: 2, maxLimit: 4, backoffRatio: 0.5 }), {
          maxQueue,
          queueTimeoutMs: 100,
          clock,
          isDrop: () => true,
        });
        // The limit may fall below the calls already running; only new admissions obey it.
        await exercise(pool, clock, ops, () => 4);
      }),
      { numRuns: 150 },
    );
  });
});
