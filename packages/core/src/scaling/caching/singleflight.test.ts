import { describe, expect, it } from 'vitest';
import { isAbortedError } from '../../errors/index.js';
import { Singleflight } from './singleflight.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Singleflight', () => {
  it('shares one load among concurrent callers, then starts afresh', async () => {
    const flights = new Singleflight<string, number>();
    const gate = deferred<number>();
    let loads = 0;
    const load = () => {
      loads++;
      return gate.promise;
    };
    const a = flights.do('k', load);
    const b = flights.do('k', load);
    const other = flights.do('other', async () => 7);
    expect(flights.size).toBe(2);
    gate.resolve(42);
    expect(await Promise.all([a, b, other])).toEqual([42, 42, 7]);
    expect(loads).toBe(1);
    expect(flights.has('k')).toBe(false);
    await flights.do('k', async () => loads++);
    expect(loads).toBe(2);
  });

  it('gives every caller the same failure, synchronous throws included', async () => {
    const flights = new Singleflight<string, number>();
    const failure = new Error('down');
    const gate = deferred<number>();
    const a = flights.do('k', () => gate.promise);
    const b = flights.do('k', () => gate.promise);
    gate.reject(failure);
    await expect(a).rejects.toBe(failure);
    await expect(b).rejects.toBe(failure);
    await expect(
      flights.do('k', () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });

  it('a caller that aborts leaves alone; the load goes on for the others', async () => {
    const flights = new Singleflight<string, string>();
    const gate = deferred<string>();
    let loadSignal!: AbortSignal;
    const leaving = new AbortController();
    const a = flights.do(
      'k',
      (signal) => {
        loadSignal = signal;
        return gate.promise;
      },
      leaving.signal,
    );
    const staying = new AbortController();
    const b = flights.do('k', () => gate.promise, staying.signal);
    leaving.abort(new Error('user went away'));
    await expect(a).rejects.toThrow('user went away');
    expect(loadSignal.aborted).toBe(false);
    gate.resolve('done');
    expect(await b).toBe('done');
  });

  it('aborts the load once every caller has gone, with the last reason', async () => {
    const flights = new Singleflight<string, string>();
    let loadSignal!: AbortSignal;
    const first = new AbortController();
    const second = new AbortController();
    const load = (signal: AbortSignal) => {
      loadSignal = signal;
      return new Promise<string>(() => {});
    };
    const a = flights.do('k', load, first.signal);
    const b = flights.do('k', load, second.signal);
    first.abort();
    await expect(a).rejects.toHaveProperty('name', 'AbortError');
    expect(loadSignal.aborted).toBe(false);
    second.abort('gone');
    await expect(b).rejects.toSatisfy(isAbortedError);
    expect(loadSignal.aborted).toBe(true);
    expect(loadSignal.reason).toBe('gone');
    expect(flights.has('k')).toBe(false);
  });

  it('rejects at once for an already aborted signal; forget lets a new load start', async () => {
    const flights = new Singleflight<string, number>();
    const aborted = AbortSignal.abort(new Error('early'));
    await expect(flights.do('k', async () => 1, aborted)).rejects.toThrow('early');
    let loads = 0;
    const slow = deferred<number>();
    const a = flights.do('k', () => {
      loads++;
      return slow.promise;
    });
    flights.forget('k');
    const b = flights.do('k', async () => {
      loads++;
      return 2;
    });
    slow.resolve(1);
    expect(await Promise.all([a, b])).toEqual([1, 2]);
    expect(loads).toBe(2);
  });
});
