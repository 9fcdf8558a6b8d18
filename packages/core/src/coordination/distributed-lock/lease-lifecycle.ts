import type { Clock, TimerHandle } from '../../clock/index.js';
import type { LockLossReason } from './errors.js';

/**
 * The state of a lease as its holder sees it: held until a local deadline, then lost (with the
 * error that says why) or released.
 * @category Distributed lock
 */
export type LeaseState<E extends Error> =
  | { readonly kind: 'held'; readonly validUntil: number }
  | { readonly kind: 'lost'; readonly error: E }
  | { readonly kind: 'released' };

// Carries no data, so every released lease shares it: one allocation fewer per release.
const RELEASED = Object.freeze({ kind: 'released' } as const);

/**
 * The holder's side of a lease, whatever grants it: the state machine held → lost | released,
 * expiry checked against the clock on every read, and an abort signal, an expiry timer and a
 * loss error created only when something looks at them. A subclass names its loss error, says
 * what a loss and a release announce, and talks to its store; `extend` stays its own, calling
 * {@link LeaseLifecycle.renew} once the store agreed.
 *
 * @example
 * ```ts
 * import { LeaseLifecycle, type LockLossReason } from '@keel/core/distributed-lock';
 * import { VirtualClock } from '@keel/core/clock';
 * class LocalLease extends LeaseLifecycle<Error> {
 *   protected lossErrorFor(reason: LockLossReason): Error {
 *     return new Error(`lease ${reason}`);
 *   }
 *   protected onLost(): void {}
 *   protected releaseHeld(): Promise<boolean> {
 *     return Promise.resolve(true);
 *   }
 *   protected releaseLost(): Promise<unknown> {
 *     return Promise.resolve();
 *   }
 * }
 * const clock = new VirtualClock();
 * const lease = new LocalLease(clock, 1_000);
 * clock.advance(1_000);
 * console.log(lease.held); // false
 * ```
 * @category Distributed lock
 */
export abstract class LeaseLifecycle<E extends Error> {
  // Created when first read, as are the expiry timer and the loss error: a holder that never
  // looks at its signal pays for none of them (the state itself is checked against the clock).
  private controller: AbortController | undefined;
  private state: LeaseState<E>;
  private timer: TimerHandle | undefined;

  constructor(
    protected readonly clock: Clock,
    validUntil: number,
  ) {
    this.state = { kind: 'held', validUntil };
  }

  /** The error the signal aborts with and `assertHeld` throws once the lease is gone for `reason`. */
  protected abstract lossErrorFor(reason: LockLossReason): E;

  /** Announces the transition to lost; called once, after the signal aborted. */
  protected abstract onLost(reason: LockLossReason): void;

  /** Announces a release of a held lease and frees it at the store; the state is already `released`. */
  protected abstract releaseHeld(): Promise<boolean>;

  /** Frees a lost lease at the store, which may still hold it; nobody waits for it and failures are ignored. */
  protected abstract releaseLost(): Promise<unknown>;

  /** Aborts, with the loss error, when the lease is lost or released; reading it re-checks the clock. */
  get signal(): AbortSignal {
    this.checkExpiry();
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.state.kind === 'held') this.arm(this.state.validUntil);
      else this.controller.abort(this.lossError());
    }
    return this.controller.signal;
  }

  /** Instant on the clock after which the lease may have expired; -Infinity once it is gone. */
  get validUntil(): number {
    return this.state.kind === 'held' ? this.state.validUntil : Number.NEGATIVE_INFINITY;
  }

  /** True while held: not released, not lost, and `validUntil` not reached. */
  get held(): boolean {
    this.checkExpiry();
    return this.state.kind === 'held';
  }

  /** The current state, after re-checking the clock. */
  get current(): LeaseState<E> {
    this.checkExpiry();
    return this.state;
  }

  /** Throws the loss error when the lease is no longer held. */
  assertHeld(): void {
    this.checkExpiry();
    if (this.state.kind !== 'held') throw this.lossError();
  }

  /**
   * Marks a held lease released and aborts the signal, then lets the subclass announce it and
   * free it at the store; false without waiting when it was already lost or released.
   */
  release(): Promise<boolean> {
    this.checkExpiry();
    if (this.state.kind === 'released') return Promise.resolve(false);
    if (this.state.kind === 'lost') {
      // The store may still hold the lease (the margin makes us give up early): free it for
      // the next holder, but never make the caller wait on a lock that protects nothing.
      this.releaseLost().catch(() => undefined);
      return Promise.resolve(false);
    }
    this.state = RELEASED;
    this.disarm();
    this.controller?.abort(this.lossError());
    return this.releaseHeld();
  }

  /** Marks the lease lost (idempotent) and aborts the signal. */
  lose(reason: LockLossReason): void {
    if (this.state.kind !== 'held') return;
    const error = this.lossErrorFor(reason);
    this.state = { kind: 'lost', error };
    this.disarm();
    this.controller?.abort(error);
    this.onLost(reason);
  }

  /** Records an extension the store granted: held until `until`, the timer moved if one runs. */
  protected renew(until: number): void {
    this.state = { kind: 'held', validUntil: until };
    if (this.timer || this.controller) this.arm(until);
  }

  /** Starts the expiry timer now, for holders that must hear of a loss on time. */
  protected arm(until: number): void {
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

  private lossError(): E {
    return this.state.kind === 'lost' ? this.state.error : this.lossErrorFor('released');
  }

  private checkExpiry(): void {
    if (this.state.kind === 'held' && this.clock.now() >= this.state.validUntil) this.lose('expired');
  }

  private disarm(): void {
    this.timer?.clear();
    this.timer = undefined;
  }
}
