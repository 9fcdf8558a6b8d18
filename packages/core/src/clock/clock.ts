/**
 * A handle on a scheduled callback.
 * @category Time
 */
export interface TimerHandle {
  /** Cancels the callback if it has not run yet. Calling it twice is harmless. */
  clear(): void;
}

/**
 * The source of time for every pattern. Patterns never read the wall clock or call the
 * platform's timers directly: they take a `Clock`, so tests and the simulator can drive time.
 *
 * `now()` is in milliseconds, monotonic (never goes backwards) and comparable across calls on
 * the same clock; absolute deadlines are expressed on this scale.
 *
 * @example
 * ```ts
 * import { systemClock } from '@keel/core/clock';
 * const started = systemClock.now();
 * const timer = systemClock.setTimeout(() => console.log('later'), 10);
 * timer.clear();
 * console.log(systemClock.now() >= started);
 * ```
 * @category Time
 */
export interface Clock {
  /** Current time in milliseconds on this clock's monotonic scale. */
  now(): number;
  /**
   * Runs `callback` once, no earlier than `delayMs` from now. Timers made by the system clock
   * do not keep a Node.js process alive.
   */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
}
