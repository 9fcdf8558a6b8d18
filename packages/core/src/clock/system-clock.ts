import type { Clock, TimerHandle } from './clock.js';

interface MaybeUnref {
  unref?: () => void;
}

// performance.timeOrigin + performance.now() is monotonic and close to epoch milliseconds,
// so a deadline on this scale can also be shown to humans.
const origin = globalThis.performance.timeOrigin;

class SystemTimer implements TimerHandle {
  constructor(private readonly id: ReturnType<typeof globalThis.setTimeout>) {}
  clear(): void {
    globalThis.clearTimeout(this.id);
  }
}

/**
 * The real clock: `performance` for time, the platform's timers for scheduling. Timers are
 * unref'd where the platform supports it, so a pending timeout never holds a process open.
 *
 * @example
 * ```ts
 * import { systemClock } from '@keel/core/clock';
 * const deadline = systemClock.now() + 1_000;
 * console.log(deadline > systemClock.now());
 * ```
 * @category Time
 */
export const systemClock: Clock = {
  now: () => origin + globalThis.performance.now(),
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = globalThis.setTimeout(callback, Math.max(0, delayMs));
    (id as unknown as MaybeUnref).unref?.();
    return new SystemTimer(id);
  },
};
