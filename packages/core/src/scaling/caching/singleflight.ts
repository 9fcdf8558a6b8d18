import { abortError } from '../../signal/index.js';

interface Flight<V> {
  readonly controller: AbortController;
  readonly promise: Promise<V>;
  /** Callers still waiting; the load is aborted when the last one with a signal leaves. */
  waiters: number;
}

/**
 * Request coalescing: concurrent calls for the same key share one load. Each caller may bring
 * its own AbortSignal; an aborted caller stops waiting (its promise rejects with the signal's
 * reason) without disturbing the others, and the shared load is aborted only when every caller
 * has left. A caller without a signal stays to the end.
 *
 * @example
 * ```ts
 * import { Singleflight } from '@keel/core/caching';
 * const flights = new Singleflight<string, string>();
 * let loads = 0;
 * const load = async () => `profile #${++loads}`;
 * const [a, b] = await Promise.all([flights.do('u1', load), flights.do('u1', load)]);
 * console.log(a === b, loads); // true 1
 * ```
 */
export class Singleflight<K, V> {
  private readonly flights = new Map<K, Flight<V>>();

  /** The number of loads in flight. */
  get size(): number {
    return this.flights.size;
  }

  /** True when a load for `key` is in flight. */
  has(key: K): boolean {
    return this.flights.has(key);
  }

  /**
   * Joins the load in flight for `key`, or starts `load` with a signal that aborts once every
   * waiter has gone.
   */
  do(key: K, load: (signal: AbortSignal) => V | PromiseLike<V>, signal?: AbortSignal): Promise<V> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    let flight = this.flights.get(key);
    if (flight === undefined) flight = this.start(key, load);
    flight.waiters++;
    if (signal === undefined) return flight.promise;
    const current = flight;
    return new Promise<V>((resolve, reject) => {
      const onAbort = (): void => {
        reject(abortError(signal));
        if (--current.waiters === 0) {
          if (this.flights.get(key) === current) this.flights.delete(key);
          current.controller.abort(signal.reason);
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      current.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** Lets the next call for `key` start a fresh load; callers already waiting keep theirs. */
  forget(key: K): void {
    this.flights.delete(key);
  }

  private start(key: K, load: (signal: AbortSignal) => V | PromiseLike<V>): Flight<V> {
    const controller = new AbortController();
    let promise: Promise<V>;
    try {
      promise = Promise.resolve(load(controller.signal));
    } catch (error) {
      promise = Promise.reject(error);
    }
    const flight: Flight<V> = { controller, promise, waiters: 0 };
    const settle = (): void => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    promise.then(settle, settle);
    this.flights.set(key, flight);
    return flight;
  }
}
