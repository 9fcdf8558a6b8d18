import { ceilMs, EPSILON, floorUnits, type RateLimitAlgorithm, type RateLimitDecision } from './algorithm.js';

/** Counts of the current and the previous fixed window. */
export interface SlidingWindowState {
  start: number;
  current: number;
  previous: number;
}

/**
 * The sliding-window counter: fixed windows of `windowMs` aligned on the clock, each counted,
 * with the previous window's count weighted by how much of it still overlaps a window ending
 * now: `estimate = previous × (1 − elapsed/window) + current`. A request is allowed while
 * `estimate + cost ≤ limit`. Two numbers per key; it assumes the previous window's requests
 * were spread evenly, so it can admit up to twice the limit in an unaligned window after a
 * burst at a window's very end, but never more than the limit in one aligned window.
 *
 * @example
 * ```ts
 * import { SlidingWindowAlgorithm } from '@keel/core/rate-limiter';
 * const window = new SlidingWindowAlgorithm(10, 1_000);
 * const state = window.create(0);
 * console.log(window.consume(state, 0, 1).allowed); // true
 * ```
 * @category Rate limiter
 */
export class SlidingWindowAlgorithm implements RateLimitAlgorithm<SlidingWindowState> {
  readonly name = 'sliding-window';

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  create(now: number): SlidingWindowState {
    return { start: this.windowStart(now), current: 0, previous: 0 };
  }

  private windowStart(now: number): number {
    return Math.floor(now / this.windowMs) * this.windowMs;
  }

  private roll(state: SlidingWindowState, now: number): void {
    const start = this.windowStart(now);
    if (start === state.start) return;
    state.previous = start - state.start === this.windowMs ? state.current : 0;
    state.current = 0;
    state.start = start;
  }

  consume(state: SlidingWindowState, now: number, cost: number): RateLimitDecision {
    this.roll(state, now);
    const w = this.windowMs;
    const elapsed = now - state.start;
    const estimate = (state.previous * (w - elapsed)) / w + state.current;
    const allowed = estimate + cost <= this.limit + EPSILON;
    if (allowed) state.current += cost;
    const used = allowed ? estimate + cost : estimate;
    let resetMs = 0;
    if (state.current > 0) resetMs = state.start + 2 * w - now;
    else if (state.previous > 0) resetMs = state.start + w - now;
    return {
      allowed,
      remaining: floorUnits(this.limit - used),
      limit: this.limit,
      resetMs: ceilMs(resetMs),
      retryAfterMs: allowed ? 0 : this.waitFor(state, elapsed, cost),
    };
  }

  /** Time until `estimate + cost ≤ limit`, given the state and time elapsed in the window. */
  private waitFor(state: SlidingWindowState, elapsed: number, cost: number): number {
    const { limit, windowMs: w } = this;
    if (cost > limit) return Number.POSITIVE_INFINITY;
    const room = limit - state.current - cost;
    if (room >= -EPSILON && state.previous > 0) {
      // Wait until the previous window's weight has fallen to room / previous.
      const due = w * (1 - room / state.previous);
      if (due < w) return ceilMs(Math.max(0, due - elapsed));
    }
    // Not within this window: next window, where today's count becomes the weighted one.
    const untilNext = w - elapsed;
    if (state.current === 0) return ceilMs(untilNext);
    const nextRoom = limit - cost;
    const due = Math.max(0, w * (1 - nextRoom / state.current));
    return ceilMs(untilNext + due);
  }

  idle(state: SlidingWindowState, now: number): boolean {
    this.roll(state, now);
    return state.current === 0 && state.previous === 0;
  }
}
