import type { Clock } from '../../clock/index.js';
import { systemClock } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { check, checkKnownKeys } from '../../options/index.js';

/**
 * Options of {@link UtilizationMeter}.
 * @category Auto-scaling
 */
export interface UtilizationMeterOptions {
  /** Work items the replica can run at once; utilization is busy slots over capacity. @default 1 */
  readonly capacity?: number;
  /** Source of time. @default systemClock */
  readonly clock?: Clock;
}

/**
 * Defaults of {@link UtilizationMeterOptions}.
 * @example
 * ```ts
 * import { DEFAULT_UTILIZATION_METER_OPTIONS } from '@keel/core/auto-scaling';
 * console.log(DEFAULT_UTILIZATION_METER_OPTIONS.capacity); // 1
 * ```
 * @category Auto-scaling
 */
export const DEFAULT_UTILIZATION_METER_OPTIONS = Object.freeze({ capacity: 1 });

/**
 * Measures how busy one replica was: the time-weighted share of its capacity in use since the
 * previous reading, in percent. This is what CPU utilization approximates for a worker that
 * does CPU-bound work, and it can be measured without the operating system.
 *
 * @example
 * ```ts
 * import { VirtualClock } from '@keel/core/clock';
 * import { UtilizationMeter } from '@keel/core/auto-scaling';
 * const clock = new VirtualClock();
 * const meter = new UtilizationMeter({ clock });
 * meter.begin();
 * clock.advance(300);
 * meter.end();
 * clock.advance(700);
 * console.log(meter.read()); // 30
 * ```
 * @category Auto-scaling
 */
export class UtilizationMeter {
  readonly capacity: number;
  private readonly clock: Clock;
  private busy = 0;
  private busyIntegral = 0;
  private lastChange: number;
  private windowStart: number;

  constructor(options: UtilizationMeterOptions = {}) {
    checkKnownKeys('UtilizationMeter', options, ['capacity', 'clock']);
    this.capacity = check.integer('capacity', options.capacity, DEFAULT_UTILIZATION_METER_OPTIONS.capacity, {
      min: 1,
    });
    this.clock = options.clock ?? systemClock;
    if (typeof this.clock?.now !== 'function')
      throw new InvalidOptionError('clock', options.clock, 'a Clock');
    this.lastChange = this.clock.now();
    this.windowStart = this.lastChange;
  }

  /** Work items running now. */
  get inUse(): number {
    return this.busy;
  }

  /** A work item started. */
  begin(): void {
    this.accumulate();
    this.busy++;
  }

  /** A work item finished. */
  end(): void {
    this.accumulate();
    if (this.busy > 0) this.busy--;
  }

  /**
   * Utilization in percent since the previous `read` (or creation), and starts a new window.
   * An empty window reports the current in-use share.
   */
  read(): number {
    this.accumulate();
    const now = this.clock.now();
    const elapsed = now - this.windowStart;
    const percent =
      elapsed > 0 ? (100 * this.busyIntegral) / (elapsed * this.capacity) : (100 * this.busy) / this.capacity;
    this.busyIntegral = 0;
    this.windowStart = now;
    return percent;
  }

  private accumulate(): void {
    const now = this.clock.now();
    this.busyIntegral += this.busy * (now - this.lastChange);
    this.lastChange = now;
  }
}
