/**
 * A dependency's outage as scenarios stage it: two knobs (when it starts, how long it lasts), the
 * crash of the service for that span, and whether a moment falls inside it.
 */
import type { NumberKnob, World } from '@keel/sim';

/** The outage's knob values. */
export interface Outage {
  /** When the service crashes, in ms of virtual time. */
  readonly outageStartMs: number;
  /** How long it stays down, in ms; 0 means no outage. */
  readonly outageMs: number;
}

/**
 * The knobs `outageStartMs` (5 s by default) and `outageMs` (`defaultOutageMs` by default), to
 * spread into a scenario's knobs.
 *
 * @example
 * ```ts
 * import { resolveKnobs } from '@keel/sim';
 * import { outageKnobs } from './outage.js';
 * console.log(resolveKnobs(outageKnobs(10_000))); // { outageStartMs: 5000, outageMs: 10000 }
 * ```
 */
export function outageKnobs(defaultOutageMs: number): {
  readonly outageStartMs: NumberKnob;
  readonly outageMs: NumberKnob;
} {
  return {
    outageStartMs: {
      type: 'number',
      label: 'Outage start',
      default: 5_000,
      min: 0,
      max: 600_000,
      step: 1_000,
      unit: 'ms',
    },
    outageMs: {
      type: 'number',
      label: 'Outage',
      default: defaultOutageMs,
      min: 0,
      max: 600_000,
      step: 1_000,
      unit: 'ms',
    },
  };
}

/**
 * Crashes `service` for the outage (nothing when it lasts 0 ms).
 *
 * @example
 * ```ts
 * import { World } from '@keel/sim';
 * import { crashForOutage } from './outage.js';
 * const world = new World({ seed: 1 });
 * world.service('api');
 * crashForOutage(world, 'api', { outageStartMs: 1_000, outageMs: 2_000 });
 * ```
 */
export function crashForOutage(world: World, service: string, outage: Outage): void {
  if (outage.outageMs > 0)
    world.faults([
      { at: outage.outageStartMs, duration: outage.outageMs, fault: { kind: 'crash', service } },
    ]);
}

/**
 * Whether the moment `now` falls within the outage (its start included, its end not).
 *
 * @example
 * ```ts
 * import { inOutage } from './outage.js';
 * console.log(inOutage({ outageStartMs: 1_000, outageMs: 2_000 }, 2_999)); // true
 * ```
 */
export function inOutage(outage: Outage, now: number): boolean {
  return now >= outage.outageStartMs && now < outage.outageStartMs + outage.outageMs;
}
