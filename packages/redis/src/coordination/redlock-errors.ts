import type { LockLossReason } from '@keel/core/distributed-lock';
import { hasErrorCode, KeelError, type KeelErrorOptions } from '@keel/core/errors';

/**
 * How the instances answered the last attempt of a Redlock operation.
 * @category Coordination
 */
export interface RedlockTally {
  /** Instances that granted (or extended, or released) the lock. */
  readonly granted: number;
  /** Instances that answered no: the key is held by another value. */
  readonly refused: number;
  /** Instances that failed or did not answer within `instanceTimeoutMs`. */
  readonly failed: number;
  /** Instances needed: `floor(N / 2) + 1`. */
  readonly quorum: number;
}

/**
 * Thrown when a Redlock operation could not win a majority of the instances: the lock is held
 * elsewhere, too many instances are down, or the acquisition took so long that no validity was
 * left. `tally` tells which.
 *
 * @example
 * ```ts
 * import { isRedlockQuorumError, RedlockQuorumError } from '@keel/redis';
 * const error = new RedlockQuorumError('acquire', 'job', 3, { granted: 1, refused: 0, failed: 2, quorum: 2 });
 * console.log(isRedlockQuorumError(error), error.tally.failed); // true 2
 * ```
 * @category Coordination
 */
export class RedlockQuorumError extends KeelError {
  override readonly name = 'RedlockQuorumError' as const;
  readonly code = 'KEEL_REDLOCK_QUORUM' as const;
  constructor(
    /** The operation that failed. */
    readonly operation: 'acquire' | 'extend',
    /** The lock's key. */
    readonly key: string,
    /** Attempts made. */
    readonly attempts: number,
    /** How the instances answered the last attempt. */
    readonly tally: RedlockTally,
    options?: KeelErrorOptions,
  ) {
    super(
      `Redlock ${operation} of "${key}" failed after ${attempts} attempt(s): ${tally.granted} of ${tally.quorum} ` +
        `needed instances agreed (${tally.refused} refused, ${tally.failed} failed)`,
      options,
    );
  }
}

/**
 * True when `error` is a {@link RedlockQuorumError}.
 * @example
 * ```ts
 * import { isRedlockQuorumError } from '@keel/redis';
 * console.log(isRedlockQuorumError(new Error('x'))); // false
 * ```
 * @category Coordination
 */
export const isRedlockQuorumError = (error: unknown): error is RedlockQuorumError =>
  hasErrorCode(error, 'KEEL_REDLOCK_QUORUM');

/**
 * The reason a Redlock lease's signal aborts with, and what `extend` throws once the lease is
 * gone. It carries no fencing token: Redlock has none to give.
 *
 * @example
 * ```ts
 * import { isRedlockLostError, RedlockLostError } from '@keel/redis';
 * const error = new RedlockLostError('job', 'expired');
 * console.log(isRedlockLostError(error), error.lossReason); // true expired
 * ```
 * @category Coordination
 */
export class RedlockLostError extends KeelError {
  override readonly name = 'RedlockLostError' as const;
  readonly code = 'KEEL_REDLOCK_LOST' as const;
  constructor(
    /** The lock's key. */
    readonly key: string,
    /** Why the lease no longer protects its holder. */
    readonly lossReason: LockLossReason,
  ) {
    super(`Redlock lease of "${key}" is no longer held: ${lossReason}`);
  }
}

/**
 * True when `error` is a {@link RedlockLostError}.
 * @example
 * ```ts
 * import { isRedlockLostError } from '@keel/redis';
 * console.log(isRedlockLostError(new Error('x'))); // false
 * ```
 * @category Coordination
 */
export const isRedlockLostError = (error: unknown): error is RedlockLostError =>
  hasErrorCode(error, 'KEEL_REDLOCK_LOST');
