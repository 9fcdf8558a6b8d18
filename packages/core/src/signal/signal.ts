import type { Clock, TimerHandle } from '../clock/index.js';
import { AbortedError, TimeoutError } from '../errors/index.js';
import type { Disposable } from '../events/index.js';

/**
 * The error to throw for an aborted signal: its `reason` when that is an `Error` (so a
 * `TimeoutError` stays a `TimeoutError`), otherwise an {@link AbortedError} carrying it.
 *
 * @example
 * ```ts
 * import { abortError } from '@keel/core/signal';
 * const controller = new AbortController();
 * controller.abort('client went away');
 * console.log(abortError(controller.signal).message); // Operation aborted: "client went away"
 * ```
 * @category Cancellation
 */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new AbortedError(reason);
}

/**
 * Throws {@link abortError} when `signal` has aborted.
 *
 * @example
 * ```ts
 * import { throwIfAborted } from '@keel/core/signal';
 * const controller = new AbortController();
 * controller.abort(new Error('shutting down'));
 * try {
 *   throwIfAborted(controller.signal);
 * } catch (error) {
 *   console.log((error as Error).message); // shutting down
 * }
 * ```
 * @category Cancellation
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * A signal that aborts when any of its parents aborts (with that parent's reason) or when
 * {@link LinkedSignal.abort} is called. Unlike `AbortSignal.any`, it holds strong
 * references only until `dispose()`, which removes its listeners from the parents, so
 * linking a short-lived request to a long-lived signal leaks nothing.
 * @category Cancellation
 */
export interface LinkedSignal extends Disposable {
  readonly signal: AbortSignal;
  /** Aborts the linked signal (not the parents) with `reason`. */
  abort(reason?: unknown): void;
}

class Link implements LinkedSignal {
  private readonly controller = new AbortController();
  private readonly parents: AbortSignal[] = [];
  private readonly onAbort = (event: { target: unknown }): void => {
    this.abort((event.target as AbortSignal).reason);
  };

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  add(parent: AbortSignal): void {
    if (this.controller.signal.aborted) return;
    if (parent.aborted) {
      this.abort(parent.reason);
      return;
    }
    parent.addEventListener('abort', this.onAbort);
    this.parents.push(parent);
  }

  abort(reason?: unknown): void {
    if (this.controller.signal.aborted) return;
    this.dispose();
    this.controller.abort(reason);
  }

  dispose(): void {
    for (const parent of this.parents) parent.removeEventListener('abort', this.onAbort);
    this.parents.length = 0;
  }
}

/**
 * Links `parents` into one signal. Call `dispose()` once the operation ends.
 *
 * @example
 * ```ts
 * import { linkSignals } from '@keel/core/signal';
 * const appShutdown = new AbortController();
 * const request = new AbortController();
 * const linked = linkSignals(appShutdown.signal, request.signal);
 * try {
 *   // pass linked.signal to the work
 * } finally {
 *   linked.dispose();
 * }
 * ```
 * @category Cancellation
 */
export function linkSignals(...parents: (AbortSignal | undefined)[]): LinkedSignal {
  const link = new Link();
  for (const parent of parents) if (parent) link.add(parent);
  return link;
}

/**
 * Like {@link linkSignals}, and also aborts with a {@link TimeoutError} at the absolute
 * `deadline` on `clock` (`Infinity` for none).
 *
 * @example
 * ```ts
 * import { VirtualClock } from '@keel/core/clock';
 * import { deadlineSignal } from '@keel/core/signal';
 * const clock = new VirtualClock();
 * const linked = deadlineSignal(clock, 100);
 * clock.advance(100);
 * console.log(linked.signal.aborted, linked.signal.reason.name); // true TimeoutError
 * ```
 * @category Cancellation
 */
export function deadlineSignal(
  clock: Clock,
  deadline: number,
  ...parents: (AbortSignal | undefined)[]
): LinkedSignal {
  const link = linkSignals(...parents);
  if (!Number.isFinite(deadline) || link.signal.aborted) return link;
  const budget = deadline - clock.now();
  if (budget <= 0) {
    link.abort(new TimeoutError(0, deadline, { message: 'Deadline already passed' }));
    return link;
  }
  let timer: TimerHandle | undefined = clock.setTimeout(() => {
    timer = undefined;
    link.abort(new TimeoutError(budget, deadline));
  }, budget);
  return {
    get signal() {
      return link.signal;
    },
    abort: (reason?: unknown) => {
      timer?.clear();
      link.abort(reason);
    },
    dispose: () => {
      timer?.clear();
      timer = undefined;
      link.dispose();
    },
  };
}

/**
 * Settles like `promise`, or rejects with {@link abortError} as soon as `signal` aborts.
 * The listener is removed either way. The underlying work is not stopped: that is the job
 * of whoever reads the signal.
 *
 * @example
 * ```ts
 * import { raceAbort } from '@keel/core/signal';
 * const controller = new AbortController();
 * setTimeout(() => controller.abort('too slow'), 10);
 * const slow = new Promise((resolve) => setTimeout(resolve, 1_000, 'done'));
 * // Rejects after 10 ms with: Operation aborted: "too slow"
 * await raceAbort(slow, controller.signal).catch((error) => console.log(error.message));
 * ```
 * @category Cancellation
 */
export function raceAbort<T>(promise: PromiseLike<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return Promise.resolve(promise);
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
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

/**
 * Waits `ms` on `clock`; rejects with {@link abortError} if `signal` aborts first (and clears
 * the timer).
 *
 * @example
 * ```ts
 * import { systemClock } from '@keel/core/clock';
 * import { sleep } from '@keel/core/signal';
 * await sleep(systemClock, 5);
 * ```
 * @category Cancellation
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      timer.clear();
      reject(abortError(signal!));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Milliseconds left until the absolute `deadline` on `clock` (never negative; `Infinity`
 * when there is no deadline).
 *
 * @example
 * ```ts
 * import { systemClock } from '@keel/core/clock';
 * import { remaining } from '@keel/core/signal';
 * const deadline = systemClock.now() + 2_000;
 * console.log(remaining(systemClock, deadline) <= 2_000); // true
 * console.log(remaining(systemClock, Number.POSITIVE_INFINITY)); // Infinity
 * ```
 * @category Cancellation
 */
export function remaining(clock: Clock, deadline: number): number {
  return deadline === Number.POSITIVE_INFINITY ? deadline : Math.max(0, deadline - clock.now());
}

/**
 * The earlier of two absolute deadlines; `undefined` counts as none.
 *
 * @example
 * ```ts
 * import { earliest } from '@keel/core/signal';
 * console.log(earliest(5_000, 3_000)); // 3000
 * console.log(earliest(undefined, 3_000)); // 3000
 * ```
 * @category Cancellation
 */
export function earliest(a: number | undefined, b: number | undefined): number {
  return Math.min(a ?? Number.POSITIVE_INFINITY, b ?? Number.POSITIVE_INFINITY);
}
