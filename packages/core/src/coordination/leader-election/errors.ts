import { hasErrorCode, KeelError } from '../../errors/index.js';

/**
 * The reason a leadership's signal aborts with.
 * - `renew-deadline`: no renewal succeeded within `renewDeadlineMs` (the store may be unreachable).
 * - `rejected`: the store says another candidate holds the lease.
 * - `resigned`: the leader stepped down.
 * @example
 * ```ts
 * import { isLeadershipLostError, LeadershipLostError } from '@keel/core/leader-election';
 * console.log(isLeadershipLostError(new LeadershipLostError('scheduler', 4n, 'resigned')));
 * ```
 * @category Leader election
 */
export class LeadershipLostError extends KeelError {
  override readonly name = 'LeadershipLostError' as const;
  readonly code = 'KEEL_LEADERSHIP_LOST' as const;
  constructor(
    /** The election's name. */
    readonly election: string,
    /** The epoch that ended. */
    readonly epoch: bigint,
    /** Why it ended. */
    readonly lossReason: 'renew-deadline' | 'rejected' | 'resigned',
  ) {
    super(`Leadership of "${election}" (epoch ${epoch}) ended: ${lossReason}`);
  }
}

/**
 * True when `error` is a {@link LeadershipLostError}.
 * @example
 * ```ts
 * import { isLeadershipLostError } from '@keel/core/leader-election';
 * console.log(isLeadershipLostError(new Error('x'))); // false
 * ```
 * @category Leader election
 */
export const isLeadershipLostError = (error: unknown): error is LeadershipLostError =>
  hasErrorCode(error, 'KEEL_LEADERSHIP_LOST');
