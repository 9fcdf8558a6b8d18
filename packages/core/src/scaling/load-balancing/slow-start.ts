import { check, checkKnownKeys } from '../../options/index.js';

/**
 * Options of slow start (Envoy's `slow_start_config`): a newly added endpoint's weight ramps up
 * over a window instead of receiving its full share at once, so caches and JITs can warm up.
 * @category Load balancing
 */
export interface SlowStartOptions {
  /** Length of the ramp in ms. */
  readonly windowMs: number;
  /**
   * Shape of the ramp: the weight factor is `(elapsed / windowMs) ^ (1 / aggression)`.
   * 1 is linear; larger values ramp faster at first.
   * @default 1
   */
  readonly aggression?: number;
  /**
   * The least factor applied during the ramp, in percent of the full weight.
   * @default 10
   */
  readonly minWeightPercent?: number;
}

/**
 * Defaults of {@link SlowStartOptions} (besides the required window).
 * @example
 * ```ts
 * import { DEFAULT_SLOW_START_OPTIONS } from '@keel/core/load-balancing';
 * console.log(DEFAULT_SLOW_START_OPTIONS.minWeightPercent); // 10
 * ```
 * @category Load balancing
 */
export const DEFAULT_SLOW_START_OPTIONS = { aggression: 1, minWeightPercent: 10 } as const;

/** @internal Validated slow-start settings. */
export interface SlowStart {
  readonly windowMs: number;
  readonly aggression: number;
  readonly minFactor: number;
}

/** @internal Validates slow-start options under `field`. */
export function parseSlowStart(field: string, options: SlowStartOptions | undefined): SlowStart | undefined {
  if (options === undefined) return undefined;
  check.object(field, options);
  checkKnownKeys(field, options, ['windowMs', 'aggression', 'minWeightPercent']);
  return {
    windowMs: check.duration(`${field}.windowMs`, options.windowMs, Number.NaN, { above: 0 }),
    aggression: check.number(
      `${field}.aggression`,
      options.aggression,
      DEFAULT_SLOW_START_OPTIONS.aggression,
      {
        above: 0,
      },
    ),
    minFactor:
      check.number(
        `${field}.minWeightPercent`,
        options.minWeightPercent,
        DEFAULT_SLOW_START_OPTIONS.minWeightPercent,
        {
          min: 0,
          max: 100,
        },
      ) / 100,
  };
}

/**
 * The weight factor of an endpoint `elapsedMs` after it joined: ramps from `minWeightPercent`
 * to 1 over the window following Envoy's formula, then stays at 1.
 * @example
 * ```ts
 * import { slowStartFactor } from '@keel/core/load-balancing';
 * console.log(slowStartFactor(15_000, { windowMs: 30_000 })); // 0.5
 * ```
 * @category Load balancing
 */
export function slowStartFactor(elapsedMs: number, options: SlowStartOptions): number {
  const aggression = options.aggression ?? DEFAULT_SLOW_START_OPTIONS.aggression;
  const minFactor = (options.minWeightPercent ?? DEFAULT_SLOW_START_OPTIONS.minWeightPercent) / 100;
  if (elapsedMs >= options.windowMs) return 1;
  const time = Math.max(elapsedMs, 1) / options.windowMs;
  return Math.max(minFactor, time ** (1 / aggression));
}
