import type { Clock } from '../../clock/index.js';
import type { EventEmitter } from '../../events/index.js';
import { type LockLossReason, LockLostError } from './errors.js';
import { LeaseLifecycle, type LeaseState } from './lease-lifecycle.js';
import type { LeaseStore } from './lease-store.js';

/**
 * Proof of holding a lock, for as long as `signal` has not aborted.
 *
 * Pass `token` to the protected resource with every write (see `FencedStore`): a lease can
 * lapse while its holder is paused, and only the resource can then refuse the stale writer.
 * @category Distributed lock
 */
export interface LockHandle {
  /** The lock's key. */
  readonly key: string;
  /** The unique owner string this acquisition was recorded under at the store. */
  readonly owner: string;
  /** The fencing token: strictly greater than every earlier acquisition's of the same key. */
  readonly token: bigint;
  /**
   * Aborts, with a {@link LockLostError}, before the lease could expire at the store (at
   * `validUntil`), when an extension is refused, or on release. Reading it re-checks the
   * clock, so a holder whose event loop stalled past `validUntil` sees it aborted at once.
   */
  readonly signal: AbortSignal;
  /** Instant on the client's clock after which the lease may have expired at the store. */
  readonly validUntil: number;
  /** True while held: not released, not refused, and `validUntil` not reached. */
  readonly held: boolean;
  /** Throws the {@link LockLostError} when the lock is no longer held. */
  assertHeld(): void;
  /**
   * Resets the lease to `ttlMs` (by default the acquisition's TTL), counted from when the
   * request is sent. Throws {@link LockLostError} if the lock is no longer held or the store
   * says someone else owns it; other errors (the store unreachable) leave `validUntil` as is.
   */
  extend(ttlMs?: number): Promise<void>;
  /**
   * Frees the lock if this acquisition still owns it (owner-checked at the store) and
   * resolves true; false when it was already lost or released. Once the loss is known the
   * store is told in the background and the call does not wait for it.
   */
  release(): Promise<boolean>;
}

/**
 * A lock lifecycle event; every transition of a handle emits one.
 * @category Distributed lock
 */
export type LockEvent =
  | { readonly type: 'acquired'; readonly key: string; readonly token: bigint; readonly attempts: number }
  | { readonly type: 'extended'; readonly key: string; readonly token: bigint; readonly validUntil: number }
  | { readonly type: 'lost'; readonly key: string; readonly token: bigint; readonly reason: LockLossReason }
  | { readonly type: 'released'; readonly key: string; readonly token: bigint };

/**
 * The state of a handle.
 * @category Distributed lock
 */
export type LockState = LeaseState<LockLostError>;

/** How a handle computes its local validity: `sentAt + ttl - ttl * drift - margin`. */
export interface ValidityRule {
  readonly clockDriftFactor: number;
  readonly safetyMarginMs: number;
}

/**
 * The instant on the client's clock after which a lease requested at `sentAt` for `ttlMs` may
 * have expired at the store: the TTL, counted from when the request was sent, less the
 * clock-drift allowance and the safety margin of `rule`.
 * @internal
 */
export function validUntil(sentAt: number, ttlMs: number, rule: ValidityRule): number {
  return sentAt + ttlMs - ttlMs * rule.clockDriftFactor - rule.safetyMarginMs;
}

/** @internal The one implementation of {@link LockHandle}, shared by every lease store. */
export class LeaseLockHandle extends LeaseLifecycle<LockLostError> implements LockHandle {
  constructor(
    readonly key: string,
    readonly owner: string,
    readonly token: bigint,
    readonly ttlMs: number,
    until: number,
    private readonly store: LeaseStore,
    clock: Clock,
    private readonly rule: ValidityRule,
    private readonly events: EventEmitter<LockEvent>,
  ) {
    super(clock, until);
    // Listeners expect a 'lost' event on time, signal or not.
    if (events.hasListeners) this.arm(until);
  }

  async extend(ttlMs: number = this.ttlMs): Promise<void> {
    this.assertHeld();
    const sentAt = this.clock.now();
    const extended = await this.store.extend(this.key, this.owner, ttlMs);
    if (!extended) this.lose('rejected');
    // Lost while the request was in flight (expired locally or released): the signal has
    // fired and cannot be revived, so the extension does not count.
    this.assertHeld();
    const until = validUntil(sentAt, ttlMs, this.rule);
    this.renew(until);
    this.events.emit({ type: 'extended', key: this.key, token: this.token, validUntil: until });
  }

  protected lossErrorFor(reason: LockLossReason): LockLostError {
    return new LockLostError(this.key, this.token, reason);
  }

  protected onLost(reason: LockLossReason): void {
    this.events.emit({ type: 'lost', key: this.key, token: this.token, reason });
  }

  protected releaseHeld(): Promise<boolean> {
    // The event object is built only for someone listening: release is on every lock's hot path.
    if (this.events.hasListeners) this.events.emit({ type: 'released', key: this.key, token: this.token });
    return this.store.release(this.key, this.owner);
  }

  protected releaseLost(): Promise<boolean> {
    return this.store.release(this.key, this.owner);
  }
}
