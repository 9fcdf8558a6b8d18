import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isInvalidOptionError } from '../../errors/index.js';
import { isWriteBehindClosedError } from './errors.js';
import { WriteBehind } from './write-behind.js';

function sink() {
  const batches: [string, number][][] = [];
  let failuresLeft = 0;
  const writer = async (batch: ReadonlyMap<string, number>) => {
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new Error('database unavailable');
    }
    batches.push([...batch]);
  };
  return { batches, writer, failNext: (n: number) => (failuresLeft = n) };
}

describe('WriteBehind', () => {
  it('coalesces writes per key and flushes them after the interval on the clock', async () => {
    const clock = new VirtualClock();
    const { batches, writer } = sink();
    const buffer = new WriteBehind(writer, { flushInterval: 500, clock });
    await buffer.write('a', 1);
    await buffer.write('b', 1);
    await buffer.write('a', 2);
    expect(buffer.pendingCount).toBe(2);
    expect(buffer.peek('a')).toBe(2);
    await clock.advanceAsync(499);
    expect(batches).toEqual([]);
    await clock.advanceAsync(1);
    expect(batches).toEqual([
      [
        ['a', 2],
        ['b', 1],
      ],
    ]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('reports a failed flush and retries it; newer writes win over failed ones', async () => {
    const clock = new VirtualClock();
    const { batches, writer, failNext } = sink();
    const buffer = new WriteBehind(writer, { flushInterval: 100, clock });
    const failures: number[] = [];
    buffer.onError(({ failures: count }) => failures.push(count));
    failNext(2);
    await buffer.write('a', 1);
    await buffer.write('b', 1);
    await clock.advanceAsync(100);
    await buffer.write('a', 5);
    await clock.advanceAsync(100);
    expect(failures).toEqual([1, 2]);
    await clock.advanceAsync(100);
    expect(batches).toEqual([
      [
        ['a', 5],
        ['b', 1],
      ],
    ]);
    expect(buffer.pendingCount).toBe(0);
  });

  it('is bounded: a new key waits for room while the buffer is full', async () => {
    const clock = new VirtualClock();
    const { batches, writer } = sink();
    const buffer = new WriteBehind(writer, { maxPending: 2, flushInterval: 1_000, clock });
    await buffer.write('a', 1);
    await buffer.write('b', 1);
    await buffer.write('a', 2); // same key: coalesced, no wait
    let accepted = false;
    const third = buffer.write('c', 1).then(() => (accepted = true));
    await third;
    expect(accepted).toBe(true);
    expect(batches).toEqual([
      [
        ['a', 2],
        ['b', 1],
      ],
    ]);
    expect(buffer.pendingCount).toBe(1);
  });

  it('splits batches at maxBatch', async () => {
    const clock = new VirtualClock();
    const { batches, writer } = sink();
    const buffer = new WriteBehind(writer, { maxBatch: 2, clock });
    for (const key of ['a', 'b', 'c']) await buffer.write(key, 1);
    await buffer.flush();
    expect(batches.map((batch) => batch.length)).toEqual([2, 1]);
  });

  it('flushes on dispose, returns what could not be written, and then refuses writes', async () => {
    const clock = new VirtualClock();
    const { batches, writer, failNext } = sink();
    const buffer = new WriteBehind(writer, { clock });
    await buffer.write('a', 1);
    expect((await buffer.dispose()).size).toBe(0);
    expect(batches).toEqual([[['a', 1]]]);
    await expect(buffer.write('b', 1)).rejects.toSatisfy(isWriteBehindClosedError);

    const failing = new WriteBehind(writer, { clock });
    await failing.write('x', 9);
    failNext(5);
    expect([...(await failing.dispose())]).toEqual([['x', 9]]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects bad options with the field named', () => {
    const bad: [string, object][] = [
      ['maxPending', { maxPending: 0 }],
      ['flushInterval', { flushInterval: -1 }],
      ['maxBatch', { maxBatch: 0.5 }],
      ['writeBehind.interval', { interval: 5 }],
    ];
    for (const [field, options] of bad) {
      let caught: unknown;
      try {
        new WriteBehind(async () => {}, options as never);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidOptionError(caught), field).toBe(true);
      expect((caught as { field: string }).field).toBe(field);
    }
  });
});
