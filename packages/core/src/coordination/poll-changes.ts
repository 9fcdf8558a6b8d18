import type { Clock, TimerHandle } from '../clock/index.js';
import type { Disposable } from '../events/index.js';

/**
 * Calls `read` now and again `intervalMs` after each answer, and `onChange` with every value
 * whose `signatureOf` differs from the last one reported (the first value always is). A failed
 * read is tried again after `intervalMs` and reports nothing: observers keep the last value.
 * Dispose the result to stop; an answer arriving after that is dropped.
 * @internal
 */
export function pollChanges<T>(
  clock: Clock,
  intervalMs: number,
  read: () => Promise<T>,
  signatureOf: (value: T) => string,
  onChange: (value: T) => void,
): Disposable {
  let last: string | undefined;
  let timer: TimerHandle | undefined;
  let stopped = false;
  const poll = (): void => {
    timer = undefined;
    read().then(
      (value) => {
        if (stopped) return;
        const signature = signatureOf(value);
        if (signature !== last) {
          last = signature;
          onChange(value);
        }
        timer = clock.setTimeout(poll, intervalMs);
      },
      () => {
        if (!stopped) timer = clock.setTimeout(poll, intervalMs);
      },
    );
  };
  poll();
  return {
    dispose: () => {
      stopped = true;
      timer?.clear();
    },
  };
}
