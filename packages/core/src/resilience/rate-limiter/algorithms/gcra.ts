import { ceilMs, EPSILON, floorUnits, type RateLimitAlgorithm, type RateLimitDecision } from './algorithm.js';

/** The theoretical arrival time: when the key's schedule would be empty again. */
export interface GcraState {
  tat: number;
}

/**
 * The generic cell rate algorithm (ITU-T I.371, as used for ATM and by many API gateways):
 * one timestamp per key, the theoretical arrival time (TAT). Each unit pushes the TAT
 * `1/rate` later; a request is allowed when the new TAT is no more than `burst/rate` ahead of
 * now. It admits exactly `burst` units at once, then one every `1/rate`, with no refill timer
 * and a single number of state.
 *
 * @example
 * ```ts
 * import { GcraAlgorithm } from '@keel/core/rate-limiter';
 * const cells = new GcraAlgorithm(10, 2);
 * const state = cells.create(0);
 * console.log(cells.consume(state, 0, 1).remaining); // 1
 * ```
 * @category Rate limiter
 */
export class GcraAlgorithm implements RateLimitAlgorithm<GcraState> {
  readonly name = 'gcra';
  /** Milliseconds per unit (the emission interval). */
  readonly intervalMs: number;
  /** How far ahead of now the TAT may run: `burst × intervalMs`. */
  readonly windowMs: number;

  constructor(
    readonly ratePerSecond: number,
    /** The burst size, which is also the quota. */
    readonly limit: number,
  ) {
    this.intervalMs = 1000 / ratePerSecond;
    this.windowMs = limit * this.intervalMs;
  }

  create(now: number): GcraState {
    return { tat: now };
  }

  consume(state: GcraState, now: number, cost: number): RateLimitDecision {
    const base = Math.max(state.tat, now);
    const next = base + cost * this.intervalMs;
    const allowed = next - now <= this.windowMs + EPSILON;
    if (allowed) state.tat = next;
    const tat = allowed ? next : base;
    let retryAfterMs = 0;
    if (!allowed)
      retryAfterMs = cost > this.limit ? Number.POSITIVE_INFINITY : ceilMs(next - this.windowMs - now);
    return {
      allowed,
      remaining: floorUnits((now + this.windowMs - tat) / this.intervalMs),
      limit: this.limit,
      resetMs: ceilMs(tat - now),
      retryAfterMs,
    };
  }

  idle(state: GcraState, now: number): boolean {
    return state.tat <= now;
  }
}
