import { hasErrorCode, KeelError, type KeelErrorOptions } from '../../errors/index.js';

/**
 * Thrown by `acquire` when the lock could not be taken: it was held by someone else for the
 * whole of `waitMs`, or the wait was cut short by a deadline.
 * @example
 * ```ts
 * import { InMemoryLeaseStore, LeaseLockProvider, isLockNotAcquiredError } from '@keel/core/distributed-lock';
 * const locks = new LeaseLockProvider(new InMemoryLeaseStore());
 * await locks.acquire('job', { ttlMs: 1_000 });
 * await locks.acquire('job', { ttlMs: 1_000 }).catch((e) => console.log(isLockNotAcquiredError(e)));
 * ```
 * @category Distributed lock
 */
export class LockNotAcquiredError extends KeelError {
  override readonly name = 'LockNotAcquiredError' as const;
  readonly code = 'KEEL_LOCK_NOT_ACQUIRED' as const;
  constructor(
    /** The lock's key. */
    readonly key: string,
    /** How many acquisition attempts were made. */
    readonly attempts: number,
    /** How long the caller was prepared to wait, in milliseconds. */
    readonly waitMs: number,
    options?: KeelErrorOptions,
  ) {
    super(`Lock "${key}" not acquired after ${attempts} attempt(s) within ${waitMs} ms`, options);
  }
}

/**
 * True when `error` is a {@link LockNotAcquiredError}.
 * @example
 * ```ts
 * import { isLockNotAcquiredError } from '@keel/core/distributed-lock';
 * console.log(isLockNotAcquiredError(new Error('x'))); // false
 * ```
 * @category Distributed lock
 */
export const isLockNotAcquiredError = (error: unknown): error is LockNotAcquiredError =>
  hasErrorCode(error, 'KEEL_LOCK_NOT_ACQUIRED');

/**
 * Why a lock handle stopped protecting its holder.
 * - `expired`: the local lease clock ran out (minus the safety margin) before an extension.
 * - `rejected`: the store answered an extension saying someone else now owns the key.
 * - `released`: the holder released it.
 * @category Distributed lock
 */
export type LockLossReason = 'expired' | 'rejected' | 'released';

/**
 * The reason a handle's `signal` aborts with, and what `extend` throws once the lock is no
 * longer held. Work that reads the signal stops before the lease can lapse at the store.
 * @example
 * ```ts
 * import { isLockLostError, LockLostError } from '@keel/core/distributed-lock';
 * const error = new LockLostError('job', 3n, 'expired');
 * console.log(isLockLostError(error), error.lossReason);
 * ```
 * @category Distributed lock
 */
export class LockLostError extends KeelError {
  override readonly name = 'LockLostError' as const;
  readonly code = 'KEEL_LOCK_LOST' as const;
  constructor(
    /** The lock's key. */
    readonly key: string,
    /** The fencing token of the lost acquisition. */
    readonly token: bigint,
    /** Why the handle no longer protects its holder. */
    readonly lossReason: LockLossReason,
    options?: KeelErrorOptions,
  ) {
    super(`Lock "${key}" (token ${token}) is no longer held: ${lossReason}`, options);
  }
}

/**
 * True when `error` is a {@link LockLostError}.
 * @example
 * ```ts
 * import { isLockLostError } from '@keel/core/distributed-lock';
 * console.log(isLockLostError(new Error('x'))); // false
 * ```
 * @category Distributed lock
 */
export const isLockLostError = (error: unknown): error is LockLostError =>
  hasErrorCode(error, 'KEEL_LOCK_LOST');

/**
 * Thrown by a fenced resource when a write carries a fencing token older than one it has
 * already accepted: the writer's lock was lost and someone newer has acted since.
 * @example
 * ```ts
 * import { FencedStore, isStaleFencingTokenError } from '@keel/core/distributed-lock';
 * const store = new FencedStore<string>();
 * store.write('report', 5n, 'new');
 * try { store.write('report', 4n, 'old'); } catch (e) { console.log(isStaleFencingTokenError(e)); }
 * ```
 * @category Distributed lock
 */
export class StaleFencingTokenError extends KeelError {
  override readonly name = 'StaleFencingTokenError' as const;
  readonly code = 'KEEL_STALE_FENCING_TOKEN' as const;
  constructor(
    /** The resource's key. */
    readonly key: string,
    /** The token the rejected write carried. */
    readonly token: bigint,
    /** The highest token the resource has accepted. */
    readonly highestToken: bigint,
  ) {
    super(`Write to "${key}" with fencing token ${token} rejected: token ${highestToken} has been seen`);
  }
}

/**
 * True when `error` is a {@link StaleFencingTokenError}.
 * @example
 * ```ts
 * import { isStaleFencingTokenError } from '@keel/core/distributed-lock';
 * console.log(isStaleFencingTokenError(new Error('x'))); // false
 * ```
 * @category Distributed lock
 */
export const isStaleFencingTokenError = (error: unknown): error is StaleFencingTokenError =>
  hasErrorCode(error, 'KEEL_STALE_FENCING_TOKEN');
