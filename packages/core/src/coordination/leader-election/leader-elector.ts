import { type Clock, systemClock, type TimerHandle } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { type Disposable, type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import { type Random, systemRandom } from '../../random/index.js';
import { abortError, sleep } from '../../signal/index.js';
import type { LeaseStore } from '../distributed-lock/lease-store.js';
import { pollChanges } from '../poll-changes.js';
import { LeadershipLostError } from './errors.js';

/**
 * Options of {@link LeaderElector}. The timings follow Kubernetes client-go's leader election
 * and are validated the same way: `leaseDurationMs > renewDeadlineMs > jitterFactor × retryPeriodMs`.
 * @category Leader election
 */
export interface LeaderElectorOptions {
  /** This candidate's identity, recorded as the holder at the store; unique per candidate. */
  readonly id: string;
  /** How long a lease lasts at the store without renewal; followers wait this long after the last renewal. @default 15000 */
  readonly leaseDurationMs?: number;
  /** The leader steps down locally if it has not renewed within this long of its last successful renewal. @default 10000 */
  readonly renewDeadlineMs?: number;
  /** Pause between renewals, and between a follower's attempts. @default 2000 */
  readonly retryPeriodMs?: number;
  /** A follower waits `retryPeriodMs × (1 + random × jitterFactor)` between attempts. @default 1.2 */
  readonly jitterFactor?: number;
  /** @default systemClock */
  readonly clock?: Clock;
  /** @default systemRandom */
  readonly random?: Random;
}

/**
 * client-go's typical timings: 15 s lease, 10 s renew deadline, 2 s retry period, jitter 1.2.
 *
 * @example
 * ```ts
 * import { DEFAULT_LEADER_ELECTOR_OPTIONS } from '@keel/core/leader-election';
 * const { leaseDurationMs, renewDeadlineMs } = DEFAULT_LEADER_ELECTOR_OPTIONS;
 * console.log(`a leader renews within ${renewDeadlineMs} ms of a ${leaseDurationMs} ms lease`);
 * ```
 * @category Leader election
 */
export const DEFAULT_LEADER_ELECTOR_OPTIONS = Object.freeze({
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  jitterFactor: 1.2,
});

/**
 * Being the leader, until `signal` aborts.
 * @category Leader election
 */
export interface Leadership {
  /** Grows with every change of leader (the store's fencing token): pass it to fenced resources. */
  readonly epoch: bigint;
  /**
   * Aborts, with a `LeadershipLostError`, at the renew deadline (even when the store is
   * unreachable), when the store refuses a renewal, or on resignation. Reading it re-checks
   * the clock.
   */
  readonly signal: AbortSignal;
  /** True until the signal aborts. */
  readonly isLeader: boolean;
  /** Stops renewing and frees the lease at once, so a follower takes over without waiting for expiry. */
  resign(): Promise<void>;
}

/**
 * Who leads, as an observer sees it.
 * @category Leader election
 */
export interface LeaderInfo {
  readonly id: string;
  readonly epoch: bigint;
}

/**
 * An elector's state.
 * @category Leader election
 */
export type ElectorState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'candidate' }
  | { readonly kind: 'leader'; readonly epoch: bigint; readonly lastRenewedAt: number };

/**
 * A transition of an elector.
 * @category Leader election
 */
export type ElectorEvent =
  | { readonly type: 'campaigning' }
  | { readonly type: 'elected'; readonly epoch: bigint; readonly attempts: number }
  | { readonly type: 'renewed'; readonly epoch: bigint; readonly at: number }
  | {
      readonly type: 'deposed';
      readonly epoch: bigint;
      readonly reason: LeadershipLostError['lossReason'];
    };

/**
 * Options of {@link LeaderElector.campaign}.
 * @category Leader election
 */
export interface CampaignOptions {
  /** Stops campaigning (rejects with the signal's reason). Does not affect a won leadership. */
  readonly signal?: AbortSignal;
}

/**
 * Options of {@link LeaderElector.observe}.
 * @category Leader election
 */
export interface ObserveOptions {
  /** How often the store is asked who leads. @default the elector's retryPeriodMs */
  readonly intervalMs?: number;
}

/**
 * Leader election over any lease store: the leader holds the lease named `name` and renews
 * it every retry period; it gives leadership up locally at the renew deadline, which comes
 * `leaseDurationMs − renewDeadlineMs` before the lease can expire at the store, so an
 * unreachable leader has stopped acting before anyone else can be elected. Election alone
 * cannot stop a paused leader from acting late (client-go says as much): pass `epoch` to
 * the resources it writes and let them refuse stale epochs.
 *
 * @example
 * ```ts
 * import { InMemoryLeaseStore } from '@keel/core/distributed-lock';
 * import { LeaderElector } from '@keel/core/leader-election';
 * const elector = new LeaderElector(new InMemoryLeaseStore(), 'scheduler', { id: 'node-1' });
 * const leadership = await elector.campaign();
 * console.log(leadership.epoch, leadership.isLeader);
 * await leadership.resign();
 * ```
 * @category Leader election
 */
export class LeaderElector {
  private readonly clock: Clock;
  private readonly random: Random;
  readonly id: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  private readonly jitterFactor: number;
  private readonly emitter = new EventEmitter<ElectorEvent>();
  private current: ElectorState = { kind: 'idle' };
  private term: Term | undefined;

  /** Every transition: campaigning, elected, renewed, deposed. */
  readonly events: Event<ElectorEvent> = this.emitter.event;

  constructor(
    private readonly store: LeaseStore,
    readonly name: string,
    options: LeaderElectorOptions,
  ) {
    check.string('name', name);
    check.object('options', options);
    checkKnownKeys('LeaderElector', options, [
      'id',
      'leaseDurationMs',
      'renewDeadlineMs',
      'retryPeriodMs',
      'jitterFactor',
      'clock',
      'random',
    ]);
    const d = DEFAULT_LEADER_ELECTOR_OPTIONS;
    this.id = check.string('id', options.id);
    this.leaseDurationMs = check.duration('leaseDurationMs', options.leaseDurationMs, d.leaseDurationMs, {
      above: 0,
    });
    this.renewDeadlineMs = check.duration('renewDeadlineMs', options.renewDeadlineMs, d.renewDeadlineMs, {
      above: 0,
    });
    this.retryPeriodMs = check.duration('retryPeriodMs', options.retryPeriodMs, d.retryPeriodMs, {
      above: 0,
    });
    this.jitterFactor = check.number('jitterFactor', options.jitterFactor, d.jitterFactor, { min: 0 });
    if (this.leaseDurationMs <= this.renewDeadlineMs)
      throw new InvalidOptionError('leaseDurationMs', this.leaseDurationMs, 'more than renewDeadlineMs');
    if (this.renewDeadlineMs <= d.jitterFactor * this.retryPeriodMs)
      throw new InvalidOptionError(
        'renewDeadlineMs',
        this.renewDeadlineMs,
        `more than ${d.jitterFactor} × retryPeriodMs (${d.jitterFactor * this.retryPeriodMs})`,
      );
    this.clock = (check.object<Clock>('clock', options.clock) ?? systemClock) as Clock;
    this.random = (check.object<Random>('random', options.random) ?? systemRandom) as Random;
  }

  /** The current state. */
  get state(): ElectorState {
    this.term?.checkDeadline();
    return this.current;
  }

  /**
   * Tries to become leader every retry period (with jitter) until it succeeds, and resolves
   * with the leadership. One campaign at a time per elector.
   */
  async campaign(options: CampaignOptions = {}): Promise<Leadership> {
    checkKnownKeys('options', options, ['signal']);
    const signal = check.signal('options.signal', options.signal);
    if (this.current.kind !== 'idle')
      throw new InvalidOptionError('campaign', this.current.kind, 'an idle elector');
    this.setState({ kind: 'candidate' }, { type: 'campaigning' });
    try {
      for (let attempt = 1; ; attempt++) {
        if (signal?.aborted) throw abortError(signal);
        const sentAt = this.clock.now();
        const epoch = await this.store.tryAcquire(this.name, this.id, this.leaseDurationMs);
        if (epoch !== undefined) {
          if (signal?.aborted) {
            this.store.release(this.name, this.id).catch(() => undefined);
            throw abortError(signal);
          }
          const term = new Term(this, epoch, sentAt);
          this.term = term;
          this.setState(
            { kind: 'leader', epoch, lastRenewedAt: sentAt },
            { type: 'elected', epoch, attempts: attempt },
          );
          term.start();
          return term;
        }
        await sleep(this.clock, this.retryPeriodMs * (1 + this.random.next() * this.jitterFactor), signal);
      }
    } catch (error) {
      if ((this.current as ElectorState).kind === 'candidate') this.current = { kind: 'idle' };
      throw error;
    }
  }

  /**
   * Reports the leader now and on every change (including none), asking the store every
   * `intervalMs`. Dispose the result to stop.
   */
  observe(listener: (leader: LeaderInfo | undefined) => void, options: ObserveOptions = {}): Disposable {
    checkKnownKeys('options', options, ['intervalMs']);
    const intervalMs = check.duration('options.intervalMs', options.intervalMs, this.retryPeriodMs, {
      above: 0,
    });
    return pollChanges(
      this.clock,
      intervalMs,
      () => this.store.holder(this.name),
      (holder) => (holder ? `${holder.owner}@${holder.token}` : ''),
      (holder) => listener(holder ? { id: holder.owner, epoch: holder.token } : undefined),
    );
  }

  /** @internal */
  _store(): LeaseStore {
    return this.store;
  }
  /** @internal */
  _clock(): Clock {
    return this.clock;
  }
  /** @internal */
  _renewed(term: Term, at: number): void {
    if (this.term !== term) return;
    this.setState(
      { kind: 'leader', epoch: term.epoch, lastRenewedAt: at },
      { type: 'renewed', epoch: term.epoch, at },
    );
  }
  /** @internal */
  _deposed(term: Term, reason: LeadershipLostError['lossReason']): void {
    if (this.term !== term) return;
    this.term = undefined;
    this.setState({ kind: 'idle' }, { type: 'deposed', epoch: term.epoch, reason });
  }

  private setState(state: ElectorState, event: ElectorEvent): void {
    this.current = state;
    this.emitter.emit(event);
  }
}

/** One term of leadership: renews every retry period and ends at the renew deadline. */
class Term implements Leadership {
  private readonly controller = new AbortController();
  private lastRenewedAt: number;
  private renewTimer: TimerHandle | undefined;
  private deadlineTimer: TimerHandle | undefined;
  private ended = false;

  constructor(
    private readonly elector: LeaderElector,
    readonly epoch: bigint,
    acquiredSentAt: number,
  ) {
    this.lastRenewedAt = acquiredSentAt;
  }

  get signal(): AbortSignal {
    this.checkDeadline();
    return this.controller.signal;
  }

  get isLeader(): boolean {
    this.checkDeadline();
    return !this.ended;
  }

  start(): void {
    this.armDeadline();
    this.scheduleRenew();
  }

  checkDeadline(): void {
    if (!this.ended && this.elector._clock().now() >= this.lastRenewedAt + this.elector.renewDeadlineMs)
      this.end('renew-deadline');
  }

  async resign(): Promise<void> {
    if (this.ended) return;
    this.end('resigned');
    await this.elector._store().release(this.elector.name, this.elector.id);
  }

  private end(reason: LeadershipLostError['lossReason']): void {
    if (this.ended) return;
    this.ended = true;
    this.renewTimer?.clear();
    this.deadlineTimer?.clear();
    this.controller.abort(new LeadershipLostError(this.elector.name, this.epoch, reason));
    this.elector._deposed(this, reason);
  }

  private armDeadline(): void {
    this.deadlineTimer?.clear();
    const clock = this.elector._clock();
    const delay = this.lastRenewedAt + this.elector.renewDeadlineMs - clock.now();
    this.deadlineTimer = clock.setTimeout(
      () => {
        this.checkDeadline();
        if (!this.ended) this.armDeadline();
      },
      Math.max(0, delay),
    );
  }

  private scheduleRenew(): void {
    if (this.ended) return;
    this.renewTimer = this.elector._clock().setTimeout(() => this.renew(), this.elector.retryPeriodMs);
  }

  private renew(): void {
    this.renewTimer = undefined;
    if (this.ended) return;
    const clock = this.elector._clock();
    const sentAt = clock.now();
    this.elector
      ._store()
      .extend(this.elector.name, this.elector.id, this.elector.leaseDurationMs)
      .then(
        (renewed) => {
          if (this.ended) return;
          if (!renewed) {
            this.end('rejected');
            return;
          }
          this.checkDeadline();
          if (this.ended) return;
          this.lastRenewedAt = sentAt;
          this.armDeadline();
          this.elector._renewed(this, sentAt);
          this.scheduleRenew();
        },
        // Unreachable store: keep trying every retry period; the deadline ends the term.
        () => this.scheduleRenew(),
      );
  }
}
