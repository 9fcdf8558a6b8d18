import { hasErrorCode, KeelError, type KeelErrorOptions } from '../../errors/index.js';

/**
 * A metric could not give a value for a scaling decision: its source failed, or no ready
 * replica reported. The decision goes on with the other metrics, but will not scale down.
 * @example
 * ```ts
 * import { isMetricUnavailableError, MetricUnavailableError } from '@keel/core/auto-scaling';
 * const error = new MetricUnavailableError('queue-depth', 'broker unreachable');
 * console.log(isMetricUnavailableError(error), error.metric); // true queue-depth
 * ```
 * @category Auto-scaling
 */
export class MetricUnavailableError extends KeelError {
  override readonly name = 'MetricUnavailableError' as const;
  readonly code = 'KEEL_METRIC_UNAVAILABLE' as const;

  constructor(
    /** The metric's name. */
    readonly metric: string,
    /** Why it has no value. */
    readonly reason: string,
    options?: KeelErrorOptions,
  ) {
    super(`Metric "${metric}" is unavailable: ${reason}`, options);
  }
}

/**
 * True when `error` is a {@link MetricUnavailableError}.
 * @example
 * ```ts
 * import { isMetricUnavailableError } from '@keel/core/auto-scaling';
 * console.log(isMetricUnavailableError(new Error('x'))); // false
 * ```
 * @category Auto-scaling
 */
export const isMetricUnavailableError = (error: unknown): error is MetricUnavailableError =>
  hasErrorCode(error, 'KEEL_METRIC_UNAVAILABLE');
