import type { Clock, TimerHandle } from '../../clock/index.js';
import type { EventEmitter } from '../../events/index.js';
import { type LockLossReason, LockLostError } from './errors.js';
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
export type LockState =
  | { readonly kind: 'held'; readonly validUntil: number }
  | { readonly kind: 'lost'; readonly error: LockLostError }
  | { readonly kind: 'released' };

/** How a handle computes its local validity: `sentAt + ttl - ttl * drift - margin`. */
export interface ValidityRule {
  readonly clockDriftFactor: number;
  readonly safetyMarginMs: number;
}

export function validUntil(sentAt: number, ttlMs: number, rule: ValidityRule): number {
  return sentAt + ttlMs - ttlMs * rule.clockDriftFactor - rule.safetyMarginMs;
}

/** @internal The one implementation of {@link LockHandle}, shared by every lease store. */
export class LeaseLockHandle implements LockHandle {
  // Created when first read, as are the expiry timer and the loss error: a holder that never
  // looks at its signal pays for none of them (the state itself is checked against the clock).
  private controller: AbortController | undefined;
  private state: LockState;
  private timer: TimerHandle | undefined;

  constructor(
    readonly key: string,
    readonly owner: string,
    readonly token: bigint,
    readonly ttlMs: number,
    until: number,
    private readonly store: LeaseStore,
    private readonly clock: Clock,
    private readonly rule: ValidityRule,
    private readonly events: EventEmitter<LockEvent>,
  ) {
    this.state = { kind: 'held', validUntil: until };
    // Listeners expect a 'lost' event on time, signal or not.
    if (events.hasListeners) this.arm(until);
  }

  get signal(): AbortSignal {
    this.checkExpiry();
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.state.kind === 'held') this.arm(this.state.validUntil);
      else this.controller.abort(this.lossError());
    }
    return this.controller.signal;
  }

  get validUntil(): number {
    return this.state.kind === 'held' ? this.state.validUntil : Number.NEGATIVE_INFINITY;
  }

  get held(): boolean {
    this.checkExpiry();
    return this.state.kind === 'held';
  }

  /** The current state, after re-checking the clock. */
  get current(): LockState {
    this.checkExpiry();
    return this.state;
  }

  assertHeld(): void {
    this.checkExpiry();
    if (this.state.kind !== 'held') throw this.lossError();
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
    this.state = { kind: 'held', validUntil: until };
    if (this.timer || this.controller) this.arm(until);
    this.events.emit({ type: 'extended', key: this.key, token: this.token, validUntil: until });
  }

  release(): Promise<boolean> {
    this.checkExpiry();
    if (this.state.kind === 'released') return Promise.resolve(false);
    if (this.state.kind === 'lost') {
      // The store may still hold the lease (the margin makes us give up early): free it for
      // the next holder, but never make the caller wait on a lock that protects nothing.
      this.store.release(this.key, this.owner).catch(() => undefined);
      return Promise.resolve(false);
    }
    this.state = { kind: 'released' };
    this.disarm();
    this.controller?.abort(this.lossError());
    this.events.emit({ type: 'released', key: this.key, token: this.token });
    return this.store.release(this.key, this.owner);
  }

  /** Marks the lock lost (idempotent) and aborts the signal. */
  lose(reason: LockLossReason): void {
    if (this.state.kind !== 'held') return;
    const error = new LockLostError(this.key, this.token, reason);
    this.state = { kind: 'lost', error };
    this.disarm();
    this.controller?.abort(error);
    this.events.emit({ type: 'lost', key: this.key, token: this.token, reason });
  }

  private lossError(): LockLostError {
    return this.state.kind === 'lost'
      ? this.state.error
      : new LockLostError(this.key, this.token, 'released');
  }

  private checkExpiry(): void {
    if (this.state.kind === 'held' && this.clock.now() >= this.state.validUntil) this.lose('expired');
  }

  private disarm(): void {
    this.timer?.clear();
    this.timer = undefined;
  }

  private arm(until: number): void {
    this.timer?.clear();
    const delay = until - this.clock.now();
    if (delay <= 0) {
      this.timer = undefined;
      this.lose('expired');
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      // A platform timer may fire a hair early: re-arm for the rest rather than miss expiry.
      if (this.state.kind === 'held') this.arm(this.state.validUntil);
    }, delay);
  }
}
