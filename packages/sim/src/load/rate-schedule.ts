import { InvalidOptionError } from '@keel/core/errors';

/**
 * An arrival rate over virtual time, in requests per second.
 * @category Load
 */
export interface RateSchedule {
  /** The rate at virtual time `t` (ms). */
  rateAt(t: number): number;
  /** An upper bound of `rateAt` over all time (used for thinning). */
  readonly maxRate: number;
  readonly description: string;
}

function rate(field: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value))
    throw new InvalidOptionError(field, value, 'a finite rate >= 0 (per second)');
  return value;
}

/**
 * The same rate all the time.
 * @example
 * ```ts
 * import { constantRate } from '@keel/sim';
 * console.log(constantRate(100).rateAt(5_000)); // 100
 * ```
 * @category Load
 */
export function constantRate(perSecond: number): RateSchedule {
  rate('perSecond', perSecond);
  return { rateAt: () => perSecond, maxRate: perSecond, description: `${perSecond}/s` };
}

/**
 * Piecewise-constant rate: `steps[i].perSecond` from `steps[i].at` until the next step
 * (0 before the first).
 * @example
 * ```ts
 * import { steps } from '@keel/sim';
 * const s = steps([{ at: 0, perSecond: 100 }, { at: 60_000, perSecond: 400 }]);
 * console.log(s.rateAt(90_000)); // 400
 * ```
 * @category Load
 */
export function steps(list: readonly { readonly at: number; readonly perSecond: number }[]): RateSchedule {
  const sorted = [...list].sort((a, b) => a.at - b.at);
  sorted.forEach((s, i) => {
    rate(`steps[${i}].perSecond`, s.perSecond);
    if (!Number.isFinite(s.at)) throw new InvalidOptionError(`steps[${i}].at`, s.at, 'a finite time');
  });
  return {
    rateAt(t) {
      let current = 0;
      for (const s of sorted) {
        if (s.at > t) break;
        current = s.perSecond;
      }
      return current;
    },
    maxRate: sorted.reduce((m, s) => Math.max(m, s.perSecond), 0),
    description: sorted.map((s) => `${s.perSecond}/s@${s.at}ms`).join(' → '),
  };
}

/**
 * A linear ramp from `from` to `to` (per second) over [startMs, startMs + durationMs], flat
 * outside it.
 * @example
 * ```ts
 * import { ramp } from '@keel/sim';
 * console.log(ramp(0, 100, 0, 10_000).rateAt(5_000)); // 50
 * ```
 * @category Load
 */
export function ramp(from: number, to: number, startMs: number, durationMs: number): RateSchedule {
  rate('from', from);
  rate('to', to);
  if (!(durationMs > 0)) throw new InvalidOptionError('durationMs', durationMs, 'a duration > 0');
  return {
    rateAt(t) {
      if (t <= startMs) return from;
      if (t >= startMs + durationMs) return to;
      return from + ((to - from) * (t - startMs)) / durationMs;
    },
    maxRate: Math.max(from, to),
    description: `ramp ${from}/s → ${to}/s over ${durationMs}ms from ${startMs}ms`,
  };
}

/**
 * `base` per second, except `peak` during [atMs, atMs + durationMs).
 * @example
 * ```ts
 * import { spike } from '@keel/sim';
 * console.log(spike(100, 1_000, 30_000, 5_000).rateAt(31_000)); // 1000
 * ```
 * @category Load
 */
export function spike(base: number, peak: number, atMs: number, durationMs: number): RateSchedule {
  rate('base', base);
  rate('peak', peak);
  return {
    rateAt: (t) => (t >= atMs && t < atMs + durationMs ? peak : base),
    maxRate: Math.max(base, peak),
    description: `${base}/s with a ${peak}/s spike at ${atMs}ms for ${durationMs}ms`,
  };
}

/**
 * The sum of several schedules (for example a base load plus spikes).
 * @example
 * ```ts
 * import { constantRate, spike, sumRates } from '@keel/sim';
 * console.log(sumRates(constantRate(10), spike(0, 90, 0, 1_000)).rateAt(500)); // 100
 * ```
 * @category Load
 */
export function sumRates(...schedules: readonly RateSchedule[]): RateSchedule {
  return {
    rateAt: (t) => schedules.reduce((sum, s) => sum + s.rateAt(t), 0),
    maxRate: schedules.reduce((sum, s) => sum + s.maxRate, 0),
    description: schedules.map((s) => s.description).join(' + '),
  };
}
