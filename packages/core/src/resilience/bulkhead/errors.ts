import { hasErrorCode, KeelError } from '../../errors/index.js';

/**
 * Thrown when a bulkhead has no free permit and its queue is full (or disabled). Carries the
 * occupancy at the moment of rejection.
 *
 * @example
 * ```ts
 * import { bulkhead, isBulkheadRejectedError } from '@keel/core/bulkhead';
 * const pool = bulkhead({ maxConcurrent: 1 });
 * void pool.execute(() => new Promise((resolve) => setTimeout(resolve, 50)));
 * await pool.execute(() => 'second').catch((error) => {
 *   if (isBulkheadRejectedError(error)) console.log(error.executing, error.limit); // 1 1
 * });
 * ```
 * @category Bulkhead
 */
export class BulkheadRejectedError extends KeelError {
  override readonly name = 'BulkheadRejectedError' as const;
  readonly code = 'KEEL_BULKHEAD_FULL' as const;
  constructor(
    /** The concurrency limit at the time. */
    readonly limit: number,
    /** Calls executing at the time. */
    readonly executing: number,
    /** Calls waiting in the queue at the time. */
    readonly queued: number,
    /** The queue's capacity. */
    readonly maxQueue: number,
  ) {
    super(`Bulkhead full: ${executing}/${limit} executing, ${queued}/${maxQueue} queued`);
  }
}

/**
 * True when `error` is a {@link BulkheadRejectedError}.
 * @example
 * ```ts
 * import { bulkhead, isBulkheadRejectedError } from '@keel/core/bulkhead';
 * const pool = bulkhead({ maxConcurrent: 1 });
 * const answer = await pool.execute(() => 'ok').catch((e) => (isBulkheadRejectedError(e) ? 'busy' : 'failed'));
 * console.log(answer);
 * ```
 * @category Bulkhead
 */
export const isBulkheadRejectedError = (error: unknown): error is BulkheadRejectedError =>
  hasErrorCode(error, 'KEEL_BULKHEAD_FULL');

/**
 * Thrown when a call waited in a bulkhead's queue for `queueTimeoutMs` without getting a permit.
 *
 * @example
 * ```ts
 * import { bulkhead, isBulkheadQueueTimeoutError } from '@keel/core/bulkhead';
 * const pool = bulkhead({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 10 });
 * void pool.execute(() => new Promise((resolve) => setTimeout(resolve, 50)));
 * await pool.execute(() => 'second').catch((error) => {
 *   if (isBulkheadQueueTimeoutError(error)) console.log(error.message); // No bulkhead permit within 10 ms
 * });
 * ```
 * @category Bulkhead
 */
export class BulkheadQueueTimeoutError extends KeelError {
  override readonly name = 'BulkheadQueueTimeoutError' as const;
  readonly code = 'KEEL_BULKHEAD_QUEUE_TIMEOUT' as const;
  constructor(
    /** The configured queue timeout. */
    readonly queueTimeoutMs: number,
    /** Calls still waiting ahead of and behind it when it gave up (itself excluded). */
    readonly queued: number,
  ) {
    super(`No bulkhead permit within ${queueTimeoutMs} ms`);
  }
}

/**
 * True when `error` is a {@link BulkheadQueueTimeoutError}.
 * @example
 * ```ts
 * import { isBulkheadQueueTimeoutError } from '@keel/core/bulkhead';
 * console.log(isBulkheadQueueTimeoutError(new Error('x'))); // false
 * ```
 * @category Bulkhead
 */
export const isBulkheadQueueTimeoutError = (error: unknown): error is BulkheadQueueTimeoutError =>
  hasErrorCode(error, 'KEEL_BULKHEAD_QUEUE_TIMEOUT');
