import type { Clock } from '@keel/core/clock';
import { LeaseLifecycle, type LeaseState, type LockLossReason } from '@keel/core/distributed-lock';
import type { EventEmitter } from '@keel/core/events';
import { RedlockLostError, RedlockQuorumError, type RedlockTally } from './redlock-errors.js';

/**
 * Proof of holding a Redlock lock on a majority of the instances, until `signal` aborts.
 *
 * It has no `token`, on purpose: Redlock cannot issue a fencing token that grows strictly
 * with every acquisition (each instance could count on its own, but a failed-over or restarted
 * instance forgets, and a majority can change hands), so a lease cannot be passed where a
 * `LockHandle` or a fencing token is expected, such as `FencedStore.write`. Use it where a
 * duplicate run costs only time or money (an efficiency lock), never for correctness.
 * @category Coordination
 */
export interface RedlockLease {
  /** The lock's key. */
  readonly key: string;
  /** The random value set on every instance; only it can extend or release the lock. */
  readonly value: string;
  /**
   * Instant on the client's clock after which the lock may have expired on some instance:
   * start of the request + TTL − drift (`TTL × driftFactor + driftMs`).
   */
  readonly validUntil: number;
  /** Aborts, with a {@link RedlockLostError}, at `validUntil`, on a refused extension, or on release. */
  readonly signal: AbortSignal;
  /** True until `signal` aborts (re-checks the clock). */
  readonly held: boolean;
  /** Throws the {@link RedlockLostError} when the lease no longer holds. */
  assertHeld(): void;
  /**
   * Resets the TTL on a majority of instances (owner-checked) and moves `validUntil`. Throws
   * {@link RedlockLostError} when the lease is gone or a majority now holds another value, and
   * {@link RedlockQuorumError} when too few instances answered (the lease keeps its old validity).
   */
  extend(ttlMs?: number): Promise<void>;
  /**
   * Deletes the key on every instance where it still holds this lease's value; true when a
   * majority did. A lease already lost is released in the background and resolves false.
   */
  release(): Promise<boolean>;
}

/**
 * A Redlock lifecycle event.
 * @category Coordination
 */
export type RedlockEvent =
  | {
      readonly type: 'acquired';
      readonly key: string;
      readonly attempts: number;
      readonly validUntil: number;
    }
  | { readonly type: 'extended'; readonly key: string; readonly validUntil: number }
  | { readonly type: 'lost'; readonly key: string; readonly reason: LockLossReason }
  | { readonly type: 'released'; readonly key: string; readonly tally: RedlockTally };

/**
 * The state of a lease.
 * @category Coordination
 */
export type RedlockLeaseState = LeaseState<RedlockLostError>;

/** What a lease needs from its Redlock: the quorum operations. @internal */
export interface RedlockOperations {
  readonly clock: Clock;
  readonly instanceCount: number;
  readonly quorum: number;
  extendOn(
    key: string,
    value: string,
    ttlMs: number,
  ): Promise<{ readonly ok: boolean; readonly tally: RedlockTally; readonly validUntil: number }>;
  unlockOn(key: string, value: string): Promise<RedlockTally>;
}

/** @internal The one implementation of {@link RedlockLease}. */
export class RedlockLeaseHandle extends LeaseLifecycle<RedlockLostError> implements RedlockLease {
  constructor(
    readonly key: string,
    readonly value: string,
    readonly ttlMs: number,
    until: number,
    private readonly ops: RedlockOperations,
    private readonly events: EventEmitter<RedlockEvent>,
  ) {
    super(ops.clock, until);
    this.arm(until);
  }

  async extend(ttlMs: number = this.ttlMs): Promise<void> {
    this.assertHeld();
    const attempt = await this.ops.extendOn(this.key, this.value, ttlMs);
    if (!attempt.ok) {
      // A majority is out of reach only when enough instances say another value holds the key;
      // instances that did not answer may still hold ours.
      if (attempt.tally.refused > this.ops.instanceCount - this.ops.quorum) this.lose('rejected');
      this.assertHeld();
      throw new RedlockQuorumError('extend', this.key, 1, attempt.tally);
    }
    this.assertHeld();
    this.renew(attempt.validUntil);
    this.events.emit({ type: 'extended', key: this.key, validUntil: attempt.validUntil });
  }

  protected lossErrorFor(reason: LockLossReason): RedlockLostError {
    return new RedlockLostError(this.key, reason);
  }

  protected onLost(reason: LockLossReason): void {
    this.events.emit({ type: 'lost', key: this.key, reason });
  }

  protected async releaseHeld(): Promise<boolean> {
    const tally = await this.ops.unlockOn(this.key, this.value);
    this.events.emit({ type: 'released', key: this.key, tally });
    return tally.granted >= this.ops.quorum;
  }

  protected releaseLost(): Promise<RedlockTally> {
    // Some instance may still hold our value: free it for the next holder.
    return this.ops.unlockOn(this.key, this.value);
  }
}
