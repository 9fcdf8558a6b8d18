/**
 * A promise with its `resolve` and `reject` handed out, for tests that settle work by hand.
 * @category Testing
 */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Creates a {@link Deferred}: a promise the test settles when it chooses.
 * @example
 * ```ts
 * import { deferred } from '@keel/core/testing';
 * const gate = deferred<string>();
 * setTimeout(() => gate.resolve('open'), 0);
 * console.log(await gate.promise); // 'open'
 * ```
 * @category Testing
 */
export function deferred<T = string>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((onValue, onError) => {
    resolve = onValue;
    reject = onError;
  });
  return { promise, resolve, reject };
}

/**
 * How a tracked promise has settled so far; see {@link trackSettlement}.
 * @category Testing
 */
export interface Settlement<T> {
  /** True once the promise fulfilled or rejected. */
  settled: boolean;
  /** The value it fulfilled with. */
  value?: T;
  /** The reason it rejected with. */
  error?: unknown;
}

/**
 * Records how `promise` settles, without ever leaving a rejection unhandled: lets a test check,
 * between steps of a virtual clock, whether a call has finished yet and how.
 * @example
 * ```ts
 * import { flushMicrotasks, trackSettlement } from '@keel/core/testing';
 * const state = trackSettlement(Promise.reject(new Error('down')));
 * await flushMicrotasks();
 * console.log(state.settled, (state.error as Error).message); // true 'down'
 * ```
 * @category Testing
 */
export function trackSettlement<T>(promise: Promise<T>): Settlement<T> {
  const state: Settlement<T> = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}
