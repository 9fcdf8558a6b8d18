import { hasErrorCode, KeelError } from '../../errors/index.js';
import type { RetryOutcome } from './retry.js';

/**
 * Thrown by a {@link RetryPolicy} instead of sleeping when the server's `Retry-After` asks for a
 * wait that would end past the caller's deadline: the caller learns at once that the service
 * will not be ready in time. `cause` is the last error (undefined when the last attempt returned
 * a result the policy retries on; that result is in `outcome`).
 *
 * @example
 * ```ts
 * import { systemClock } from '@keel/core/clock';
 * import { isRetryAfterExceedsDeadlineError, retry } from '@keel/core/retry';
 * const policy = retry({ retryAfter: () => 60_000 });
 * try {
 *   await policy.execute(() => Promise.reject(new Error('busy')), { deadline: systemClock.now() + 1_000 });
 * } catch (error) {
 *   if (isRetryAfterExceedsDeadlineError(error)) console.log(error.retryAfterMs, error.remainingMs);
 * }
 * ```
 * @category Retry
 */
export class RetryAfterExceedsDeadlineError extends KeelError {
  override readonly name = 'RetryAfterExceedsDeadlineError' as const;
  readonly code = 'KEEL_RETRY_AFTER_EXCEEDS_DEADLINE' as const;

  constructor(
    /** The wait the server asked for (after `maxRetryAfterMs`), in milliseconds. */
    readonly retryAfterMs: number,
    /** What was left until the deadline, in milliseconds. */
    readonly remainingMs: number,
    /** Attempts made so far. */
    readonly attempts: number,
    /** How the last attempt ended. */
    readonly outcome: RetryOutcome,
  ) {
    super(
      `Retry-After of ${Math.round(retryAfterMs)} ms exceeds the ${Math.round(remainingMs)} ms left before the deadline (after ${attempts} attempt${attempts === 1 ? '' : 's'})`,
      { cause: outcome.kind === 'error' ? outcome.error : undefined },
    );
  }
}

/**
 * True when `error` is a {@link RetryAfterExceedsDeadlineError}.
 * @example
 * ```ts
 * import { isRetryAfterExceedsDeadlineError } from '@keel/core/retry';
 * console.log(isRetryAfterExceedsDeadlineError(new Error('x'))); // false
 * ```
 * @category Retry
 */
export const isRetryAfterExceedsDeadlineError = (error: unknown): error is RetryAfterExceedsDeadlineError =>
  hasErrorCode(error, 'KEEL_RETRY_AFTER_EXCEEDS_DEADLINE');
