import { describe, expect, it } from 'vitest';
import { flushMicrotasks } from '../clock/index.js';
import { deferred, trackSettlement } from './promises.js';

describe('deferred', () => {
  it('settles its promise when the test says so', async () => {
    const gate = deferred<number>();
    const state = trackSettlement(gate.promise);
    await flushMicrotasks();
    expect(state.settled).toBe(false);
    gate.resolve(7);
    await expect(gate.promise).resolves.toBe(7);
  });

  it('rejects with the reason given', async () => {
    const gate = deferred();
    const reason = new Error('refused');
    gate.reject(reason);
    await expect(gate.promise).rejects.toBe(reason);
  });
});

describe('trackSettlement', () => {
  it('records a value', async () => {
    const state = trackSettlement(Promise.resolve('ok'));
    expect(state.settled).toBe(false);
    await flushMicrotasks();
    expect(state).toEqual({ settled: true, value: 'ok' });
  });

  it('records a rejection without leaving it unhandled', async () => {
    const reason = new Error('down');
    const state = trackSettlement(Promise.reject(reason));
    await flushMicrotasks();
    expect(state).toEqual({ settled: true, error: reason });
  });
});
