import { type Clock, systemClock, type TimerHandle } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import { type Random, systemRandom } from '../../random/index.js';
import { abortError, sleep } from '../../signal/index.js';
import { isLockLostError, LockNotAcquiredError } from './errors.js';
import type { LeaseStore } from './lease-store.js';
import {
  LeaseLockHandle,
  type LockEvent,
  type LockHandle,
  type ValidityRule,
  validUntil,
} from './lock-handle.js';

/**
 * How `acquire` spaces its attempts while the lock is busy: exponential from `delayMs` up to
 * `maxDelayMs`, each delay shortened by up to `jitter` of itself at random.
 * @category Distributed lock
 */
export interface LockRetryOptions {
  /** First delay between attempts, in milliseconds. @default 50 */
  readonly delayMs?: number;
  /** Longest delay between attempts. @default 1000 */
  readonly maxDelayMs?: number;
  /** Fraction of each delay removed at random, in [0, 1], so that waiters do not march in step. @default 0.5 */
  readonly jitter?: number;
}

/**
 * Options of {@link LockProvider.acquire}.
 * @category Distributed lock
 */
export interface AcquireOptions {
  /** Lease length at the store, in milliseconds. @default 30000 */
  readonly ttlMs?: number;
  /** How long to keep trying while the lock is held by someone else; 0 tries once. @default 0 */
  readonly waitMs?: number;
  /** Spacing of the attempts while waiting. @default DEFAULT_LOCK_RETRY_OPTIONS */
  readonly retry?: LockRetryOptions;
  /** Cancels the wait. A lease granted while cancelling is released at once. */
  readonly signal?: AbortSignal;
}

/**
 * Options of {@link LockProvider.withLock}.
 * @category Distributed lock
 */
export interface WithLockOptions extends AcquireOptions {
  /** Extend the lease every `ttlMs * extendRatio` while the function runs, in (0, 1). @default 1/3 */
  readonly extendRatio?: number;
}

/**
 * A distributed lock: mutual exclusion by key, with a fencing token per acquisition.
 *
 * @example
 * ```ts
 * import { InMemoryLeaseStore, LeaseLockProvider } from '@keel/core/distributed-lock';
 * const locks = new LeaseLockProvider(new InMemoryLeaseStore());
 * const total = await locks.withLock('invoice:42', async (lock) => {
 *   lock.assertHeld();
 *   return 42;
 * }, { ttlMs: 5_000 });
 * console.log(total);
 * ```
 * @category Distributed lock
 */
export interface LockProvider {
  /** Takes the lock, waiting up to `waitMs`; rejects with `LockNotAcquiredError` otherwise. */
  acquire(key: string, options?: AcquireOptions): Promise<LockHandle>;
  /**
   * Runs `fn` while holding the lock: extends it automatically, hands `fn` the handle (whose
   * `signal` aborts if the lock is lost) and releases it afterwards. `fn`'s own error is what
   * rejects, never a release failure.
   */
  withLock<T>(
    key: string,
    fn: (lock: LockHandle) => T | PromiseLike<T>,
    options?: WithLockOptions,
  ): Promise<T>;
}

/**
 * Options of {@link LeaseLockProvider}.
 * @category Distributed lock
 */
export interface LeaseLockProviderOptions {
  /** The client's clock, on which each lease's validity is counted. @default systemClock */
  readonly clock?: Clock;
  /** Source of owner strings and retry jitter. @default systemRandom */
  readonly random?: Random;
  /** A readable prefix of every owner string (the process or host name). @default 'keel' */
  readonly id?: string;
  /**
   * Fraction of the TTL assumed lost to clocks running at different rates; the handle's
   * signal fires this much earlier. Redlock uses 0.01 too.
   * @default 0.01
   */
  readonly clockDriftFactor?: number;
  /** Further fixed allowance, in milliseconds, before the lease could lapse. @default 10 */
  readonly safetyMarginMs?: number;
  /** Defaults for every `acquire` and `withLock` call. */
  readonly defaults?: WithLockOptions;
}

/**
 * Default retry spacing.
 *
 * @example
 * ```ts
 * import { DEFAULT_LOCK_RETRY_OPTIONS } from '@keel/core/distributed-lock';
 * const retry = { ...DEFAULT_LOCK_RETRY_OPTIONS, maxDelayMs: 250 };
 * console.log(retry); // { delayMs: 50, maxDelayMs: 250, jitter: 0.5 }
 * ```
 * @category Distributed lock
 */
export const DEFAULT_LOCK_RETRY_OPTIONS = Object.freeze({ delayMs: 50, maxDelayMs: 1_000, jitter: 0.5 });

/**
 * Default acquisition options.
 *
 * @example
 * ```ts
 * import { DEFAULT_ACQUIRE_OPTIONS } from '@keel/core/distributed-lock';
 * // Leases last 30 s, and acquire tries once instead of waiting for a taken lock.
 * console.log(DEFAULT_ACQUIRE_OPTIONS.ttlMs, DEFAULT_ACQUIRE_OPTIONS.waitMs); // 30000 0
 * ```
 * @category Distributed lock
 */
export const DEFAULT_ACQUIRE_OPTIONS = Object.freeze({
  ttlMs: 30_000,
  waitMs: 0,
  retry: DEFAULT_LOCK_RETRY_OPTIONS,
  extendRatio: 1 / 3,
});

/**
 * Default provider options.
 *
 * @example
 * ```ts
 * import { DEFAULT_LEASE_LOCK_PROVIDER_OPTIONS } from '@keel/core/distributed-lock';
 * console.log(DEFAULT_LEASE_LOCK_PROVIDER_OPTIONS.id); // 'keel'
 * console.log(DEFAULT_LEASE_LOCK_PROVIDER_OPTIONS.clockDriftFactor); // 0.01
 * ```
 * @category Distributed lock
 */
export const DEFAULT_LEASE_LOCK_PROVIDER_OPTIONS = Object.freeze({
  id: 'keel',
  clockDriftFactor: 0.01,
  safetyMarginMs: 10,
});

interface ResolvedAcquire {
  readonly ttlMs: number;
  readonly waitMs: number;
  readonly delayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: number;
  readonly extendRatio: number;
  readonly signal: AbortSignal | undefined;
}

const ACQUIRE_KEYS = ['ttlMs', 'waitMs', 'retry', 'signal', 'extendRatio'] as const;

/**
 * The {@link LockProvider} over any {@link LeaseStore}: one store call per attempt, extension
 * and release; the lease's local clock starts when the successful request was sent (never at
 * the first attempt), and the handle's signal fires `ttl × clockDriftFactor + safetyMarginMs`
 * before the lease could expire at the store.
 *
 * @example
 * ```ts
 * import { InMemoryLeaseStore, LeaseLockProvider } from '@keel/core/distributed-lock';
 * const locks = new LeaseLockProvider(new InMemoryLeaseStore(), { id: 'billing-1' });
 * const lock = await locks.acquire('invoice:42', { ttlMs: 5_000, waitMs: 1_000 });
 * try {
 *   console.log(lock.token);
 * } finally {
 *   await lock.release();
 * }
 * ```
 * @category Distributed lock
 */
export class LeaseLockProvider implements LockProvider {
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly id: string;
  private readonly rule: ValidityRule;
  private readonly defaults: ResolvedAcquire;
  private readonly emitter = new EventEmitter<LockEvent>();
  private ownerPrefix: string | undefined;
  private acquisitions = 0;

  /** Every acquisition, extension, loss and release of a handle made by this provider. */
  readonly events: Event<LockEvent> = this.emitter.event;

  constructor(
    private readonly store: LeaseStore,
    options: LeaseLockProviderOptions = {},
  ) {
    checkKnownKeys('LeaseLockProvider', options, [
      'clock',
      'random',
      'id',
      'clockDriftFactor',
      'safetyMarginMs',
      'defaults',
    ]);
    this.clock = (check.object<Clock>('clock', options.clock) ?? systemClock) as Clock;
    this.random = (check.object<Random>('random', options.random) ?? systemRandom) as Random;
    this.id = check.string('id', options.id, DEFAULT_LEASE_LOCK_PROVIDER_OPTIONS.id);
    this.rule = {
      clockDriftFactor: check.number(
        'clockDriftFactor',
        options.clockDriftFactor,
        DEFAULT_LEASE_LOCK_PROVIDER_OPTIONS.clockDriftFactor,
        { min: 0, max: 0.5 },
      ),
      safetyMarginMs: check.duration(
        'safetyMarginMs',
        options.safetyMarginMs,
        DEFAULT_LEASE_LOCK_PROVIDER_OPTIONS.safetyMarginMs,
      ),
    };
    this.defaults = resolveAcquire('defaults', check.object('defaults', options.defaults) ?? {}, undefined);
  }

  acquire(key: string, options?: AcquireOptions): Promise<LockHandle> {
    // Not async itself: the caller awaits acquireHandle's own promise, one hop fewer.
    return this.acquireHandle(key, options);
  }

  async withLock<T>(
    key: string,
    fn: (lock: LockHandle) => T | PromiseLike<T>,
    options?: WithLockOptions,
  ): Promise<T> {
    if (typeof fn !== 'function') throw new InvalidOptionError('fn', fn, 'a function');
    const resolved = this.resolve(options);
    const handle = await this.acquireHandle(key, options, resolved);
    const extender = new AutoExtender(handle, this.clock, resolved.ttlMs * resolved.extendRatio);
    try {
      return await fn(handle);
    } finally {
      extender.stop();
      // The work is done either way; a failed release only leaves the lease to expire.
      await handle.release().catch(() => false);
    }
  }

  /** Validated options; a call without options uses the defaults checked once by the constructor. */
  private resolve(options: WithLockOptions | undefined): ResolvedAcquire {
    return options === undefined ? this.defaults : resolveAcquire('options', options, this.defaults);
  }

  private async acquireHandle(
    key: string,
    given: AcquireOptions | undefined,
    // Resolved inside the async body, so that a bad option rejects rather than throws.
    options: ResolvedAcquire = this.resolve(given),
  ): Promise<LeaseLockHandle> {
    check.string('key', key);
    const { ttlMs, signal } = options;
    if (signal?.aborted) throw abortError(signal);
    const owner = this.ownerString();
    let deadline = Number.NaN;
    let delay = options.delayMs;
    for (let attempt = 1; ; attempt++) {
      const sentAt = this.clock.now();
      // The wait is counted from the first request; only a busy lock needs it.
      if (attempt === 1) deadline = sentAt + options.waitMs;
      const token = await this.store.tryAcquire(key, owner, ttlMs);
      if (token !== undefined) {
        const until = validUntil(sentAt, ttlMs, this.rule);
        if (signal?.aborted || this.clock.now() >= until) {
          // Cancelled, or the grant took so long that nothing of the lease is left.
          this.store.release(key, owner).catch(() => undefined);
          if (signal?.aborted) throw abortError(signal);
        } else {
          const handle = new LeaseLockHandle(
            key,
            owner,
            token,
            ttlMs,
            until,
            this.store,
            this.clock,
            this.rule,
            this.emitter,
          );
          if (this.emitter.hasListeners) {
            this.emitter.emit({ type: 'acquired', key, token, attempts: attempt });
          }
          return handle;
        }
      }
      const pause = delay * (1 - options.jitter * this.random.next());
      if (this.clock.now() + pause > deadline) throw new LockNotAcquiredError(key, attempt, options.waitMs);
      await sleep(this.clock, pause, signal);
      delay = Math.min(options.maxDelayMs, delay * 2);
    }
  }

  /**
   * A unique owner string per acquisition: the provider's random 64-bit prefix, drawn on first
   * use, and a counter, so that no acquisition pays for random numbers and hex formatting.
   */
  private ownerString(): string {
    if (this.ownerPrefix === undefined) {
      const a = Math.floor(this.random.next() * 0x1_0000_0000);
      const b = Math.floor(this.random.next() * 0x1_0000_0000);
      this.ownerPrefix = `${this.id}:${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}:`;
    }
    return `${this.ownerPrefix}${(++this.acquisitions).toString(36)}`;
  }
}

/** Extends a handle every `everyMs` until stopped or the lock is lost. */
class AutoExtender {
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly handle: LeaseLockHandle,
    private readonly clock: Clock,
    private readonly everyMs: number,
  ) {
    this.schedule(everyMs);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.clear();
    this.timer = undefined;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => this.tick(), delay);
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped || !this.handle.held) return;
    this.handle.extend().then(
      () => this.schedule(this.everyMs),
      (error: unknown) => {
        // A refused extension ends it; a transient failure is retried sooner while the lease
        // still has time left (the handle's signal fires at its validity either way).
        if (!isLockLostError(error)) this.schedule(this.everyMs / 2);
      },
    );
  }
}

const ABOVE_ZERO = Object.freeze({ above: 0 });
const WAIT_BOUNDS = Object.freeze({ allowInfinity: true });
const EXTEND_RATIO_BOUNDS = Object.freeze({ above: 0, max: 0.9 });
const INITIAL_ACQUIRE: ResolvedAcquire = Object.freeze({
  ...DEFAULT_ACQUIRE_OPTIONS,
  ...DEFAULT_LOCK_RETRY_OPTIONS,
  signal: undefined,
});

/**
 * Checks the options given over `base` (itself already checked): a field left out keeps the
 * base's value without being checked again, so a call passing only `ttlMs` pays for one check.
 */
function resolveAcquire(
  scope: string,
  options: WithLockOptions | undefined,
  base: ResolvedAcquire | undefined,
): ResolvedAcquire {
  checkKnownKeys(scope, options, ACQUIRE_KEYS);
  const d = base ?? INITIAL_ACQUIRE;
  if (options === undefined) return d;
  const o = options;
  let { delayMs, maxDelayMs, jitter } = d;
  if (o.retry !== undefined) {
    const retry = check.object<LockRetryOptions>(`${scope}.retry`, o.retry);
    checkKnownKeys(`${scope}.retry`, retry, ['delayMs', 'maxDelayMs', 'jitter']);
    delayMs = check.duration(`${scope}.retry.delayMs`, retry?.delayMs, d.delayMs, ABOVE_ZERO);
    maxDelayMs = check.duration(
      `${scope}.retry.maxDelayMs`,
      retry?.maxDelayMs,
      Math.max(d.maxDelayMs, delayMs),
      {
        min: delayMs,
      },
    );
    jitter = check.ratio(`${scope}.retry.jitter`, retry?.jitter, d.jitter);
  }
  return {
    ttlMs: o.ttlMs === undefined ? d.ttlMs : check.duration(`${scope}.ttlMs`, o.ttlMs, d.ttlMs, ABOVE_ZERO),
    waitMs:
      o.waitMs === undefined ? d.waitMs : check.duration(`${scope}.waitMs`, o.waitMs, d.waitMs, WAIT_BOUNDS),
    delayMs,
    maxDelayMs,
    jitter,
    extendRatio:
      o.extendRatio === undefined
        ? d.extendRatio
        : check.number(`${scope}.extendRatio`, o.extendRatio, d.extendRatio, EXTEND_RATIO_BOUNDS),
    signal: o.signal === undefined ? d.signal : (check.signal(`${scope}.signal`, o.signal) ?? d.signal),
  };
}
