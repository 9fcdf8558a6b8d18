import type { Random } from '../../../random/index.js';

/**
 * Scratch space one execution's retries share with its backoff: a strategy that needs to carry
 * a running value from one delay to the next (decorrelated jitter v2 carries its series term)
 * keeps it in `carry`, which starts at 0.
 * @example
 * ```ts
 * import { decorrelatedJitterV2 } from '@keel/core/retry';
 * import { seededRandom } from '@keel/core/random';
 * const state = { carry: 0 };
 * const backoff = decorrelatedJitterV2();
 * const first = backoff.next(1, 0, seededRandom(1), state);
 * const second = backoff.next(2, first, seededRandom(2), state);
 * ```
 * @category Retry
 */
export interface BackoffState {
  carry: number;
}

/**
 * A backoff strategy: a value that says how long to wait before each retry. It holds no state
 * of its own, so one instance can serve every policy and every execution, and it can be tested
 * without waiting by calling `next` directly.
 *
 * @example
 * ```ts
 * import { exponential } from '@keel/core/retry';
 * import { seededRandom } from '@keel/core/random';
 * const backoff = exponential({ initialDelay: 100, maxDelay: 5_000, jitter: 'none' });
 * console.log(backoff.next(3, 200, seededRandom(1))); // 400
 * ```
 * @category Retry
 */
export interface Backoff {
  /** What kind of strategy this is, for logs and tests. */
  readonly kind: string;
  /**
   * The delay in milliseconds before retry number `attempt`.
   *
   * @param attempt 1 before the first retry, 2 before the second, and so on.
   * @param previousDelay the delay this strategy gave before the previous retry (0 before the first).
   * @param random the source of jitter.
   * @param state carried between the retries of one execution; fresh (`{ carry: 0 }`) per execution.
   */
  next(attempt: number, previousDelay: number, random: Random, state?: BackoffState): number;
}
