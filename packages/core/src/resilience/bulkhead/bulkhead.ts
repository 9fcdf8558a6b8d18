import { type Clock, systemClock, type TimerHandle } from '../../clock/index.js';
import { hasErrorCode, InvalidOptionError, isTimeoutError, TimeoutError } from '../../errors/index.js';
import { type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import {
  BaseContext,
  contextFrom,
  type ExecuteContext,
  type ExecuteOptions,
  type Policy,
  type PolicyFunction,
} from '../../policy/index.js';
import { abortError } from '../../signal/index.js';
import {
  BulkheadQueueTimeoutError,
  BulkheadRejectedError,
  isBulkheadQueueTimeoutError,
  isBulkheadRejectedError,
} from './errors.js';
import type { Limit, LimitSample } from './limits/limit.js';

/**
 * Options of {@link bulkhead}.
 * @category Bulkhead
 */
export interface BulkheadOptions {
  /** Calls allowed to execute at once. @default 10 */
  readonly maxConcurrent?: number;
  /**
   * Calls allowed to wait for a permit once all are taken; beyond that, calls are rejected.
   * The default 0 rejects at once when full, like resilience4j's default wait of zero: a
   * bulkhead exists to fail fast, and queueing only hides overload. @default 0
   */
  readonly maxQueue?: number;
  /**
   * Longest wait in the queue, in milliseconds on `clock`; `Infinity` waits until a permit
   * frees, the caller's signal aborts or the caller's deadline passes. @default Infinity
   */
  readonly queueTimeoutMs?: number;
  /** Source of time for queue timeouts and latency samples. @default systemClock */
  readonly clock?: Clock;
}

/**
 * Defaults of {@link bulkhead}.
 *
 * @example
 * ```ts
 * import { bulkhead, DEFAULT_BULKHEAD_OPTIONS } from '@keel/core/bulkhead';
 * const pool = bulkhead();
 * console.log(pool.limit === DEFAULT_BULKHEAD_OPTIONS.maxConcurrent); // true
 * console.log(DEFAULT_BULKHEAD_OPTIONS.maxQueue); // 0: no queue, a full bulkhead rejects at once
 * ```
 * @category Bulkhead
 */
export const DEFAULT_BULKHEAD_OPTIONS = {
  maxConcurrent: 10,
  maxQueue: 0,
  queueTimeoutMs: Number.POSITIVE_INFINITY,
} as const;

/**
 * Options of {@link adaptiveBulkhead}: those of {@link bulkhead} except `maxConcurrent`, which
 * the {@link Limit} decides, and a drop classifier.
 * @category Bulkhead
 */
export interface AdaptiveBulkheadOptions extends Omit<BulkheadOptions, 'maxConcurrent'> {
  /**
   * Decides whether a failed call was a drop (the downstream was overloaded) rather than an
   * ordinary failure. Drops are fed to the limit with `didDrop: true`; other failures are not
   * fed at all, since how fast a call fails says little about capacity.
   * @default {@link isOverloadError}: timeouts, and bulkhead or rate-limit rejections
   */
  readonly isDrop?: (error: unknown) => boolean;
}

/**
 * The default drop classifier of {@link adaptiveBulkhead}: a `TimeoutError` (whether thrown or
 * the reason of an abort), or a rejection by a bulkhead or rate limiter further in.
 * @example
 * ```ts
 * import { adaptiveBulkhead, aimd, isOverloadError } from '@keel/core/bulkhead';
 * const pool = adaptiveBulkhead(aimd(), {
 *   isDrop: (e) => isOverloadError(e) || (e as { status?: number }).status === 503,
 * });
 * ```
 * @category Bulkhead
 */
export function isOverloadError(error: unknown): boolean {
  return (
    isTimeoutError(error) ||
    isBulkheadRejectedError(error) ||
    isBulkheadQueueTimeoutError(error) ||
    hasErrorCode(error, 'KEEL_RATE_LIMITED')
  );
}

/**
 * Defaults of {@link adaptiveBulkhead}.
 *
 * @example
 * ```ts
 * import { DEFAULT_ADAPTIVE_BULKHEAD_OPTIONS } from '@keel/core/bulkhead';
 * import { TimeoutError } from '@keel/core/errors';
 * // Timeouts count as drops, which lower the limit; other failures do not.
 * console.log(DEFAULT_ADAPTIVE_BULKHEAD_OPTIONS.isDrop(new TimeoutError(100))); // true
 * console.log(DEFAULT_ADAPTIVE_BULKHEAD_OPTIONS.isDrop(new Error('bad request'))); // false
 * ```
 * @category Bulkhead
 */
export const DEFAULT_ADAPTIVE_BULKHEAD_OPTIONS = {
  maxQueue: 0,
  queueTimeoutMs: Number.POSITIVE_INFINITY,
  isDrop: isOverloadError,
} as const;

/**
 * A snapshot of a bulkhead's occupancy.
 * @category Bulkhead
 */
export interface BulkheadStats {
  /** Calls holding a permit. */
  readonly executing: number;
  /** Calls waiting in the queue. */
  readonly queued: number;
  /** Permits free right now (0 when the limit was lowered below `executing`). */
  readonly available: number;
  /** The current concurrency limit. */
  readonly limit: number;
  /** The queue's capacity. */
  readonly maxQueue: number;
}

/**
 * Emitted when a call is turned away.
 * @category Bulkhead
 */
export interface BulkheadRejectEvent {
  /** `full`: no permit and no room in the queue; `queue-timeout`: waited too long. */
  readonly reason: 'full' | 'queue-timeout';
  /** The error the caller receives. */
  readonly error: BulkheadRejectedError | BulkheadQueueTimeoutError;
  readonly executing: number;
  readonly queued: number;
  readonly limit: number;
}

/**
 * Emitted when a call gets a permit.
 * @category Bulkhead
 */
export interface BulkheadAcquireEvent {
  /** Calls holding a permit, this one included. */
  readonly executing: number;
  /** Calls still waiting. */
  readonly queued: number;
  /** Time spent in the queue (0 when admitted at once). */
  readonly waitedMs: number;
}

/**
 * Emitted when a call gives its permit back.
 * @category Bulkhead
 */
export interface BulkheadReleaseEvent {
  /** Calls holding a permit after the release (and after any hand-off to a waiter). */
  readonly executing: number;
  readonly queued: number;
}

/**
 * Emitted when an adaptive bulkhead's limit changes.
 * @category Bulkhead
 */
export interface BulkheadLimitChangeEvent {
  readonly from: number;
  readonly to: number;
  /** The sample that caused the change. */
  readonly sample: LimitSample;
}

/** A caller waiting for a permit: a node of the FIFO queue. */
class Waiter {
  prev: Waiter | undefined;
  next: Waiter | undefined;
  timer: TimerHandle | undefined;
  signal: AbortSignal | undefined;
  resolve!: () => void;
  reject!: (error: unknown) => void;
  readonly onAbort = (): void => {
    this.owner._abandon(this, abortError(this.signal!));
  };
  constructor(
    private readonly owner: Bulkhead,
    readonly enqueuedAt: number,
  ) {}
}

/**
 * Isolates a resource by capping how many calls use it at once, so one slow dependency
 * cannot take every worker, connection or socket with it. Create one with {@link bulkhead}
 * (fixed limit) or {@link adaptiveBulkhead} (limit learned from latency).
 *
 * Calls beyond the limit wait in a bounded FIFO queue; a waiting call leaves the queue when
 * its own signal aborts (rejecting with the signal's reason), when `queueTimeoutMs` passes
 * ({@link BulkheadQueueTimeoutError}) or when its deadline passes (`TimeoutError`). With the
 * queue full, calls are rejected at once ({@link BulkheadRejectedError}). A permit is given
 * back however the call ends (value, rejection, synchronous throw) and handed straight to the
 * oldest waiter, so later arrivals never overtake the queue.
 *
 * @example
 * ```ts
 * import { bulkhead } from '@keel/core/bulkhead';
 * const pool = bulkhead({ maxConcurrent: 2, maxQueue: 4 });
 * pool.onReject(({ reason, executing }) => console.log(reason, executing));
 * await Promise.all([1, 2, 3].map((n) => pool.execute(() => n * 2)));
 * console.log(pool.stats().executing); // 0
 * ```
 * @category Bulkhead
 */
export class Bulkhead implements Policy {
  private running = 0;
  private waiting = 0;
  private head: Waiter | undefined;
  private tail: Waiter | undefined;
  private currentLimit: number;
  private readonly rejects = new EventEmitter<BulkheadRejectEvent>();
  private readonly acquires = new EventEmitter<BulkheadAcquireEvent>();
  private readonly releases = new EventEmitter<BulkheadReleaseEvent>();
  private readonly limitChanges = new EventEmitter<BulkheadLimitChangeEvent>();

  /** A call was turned away: the bulkhead was full, or a queued call timed out. */
  readonly onReject: Event<BulkheadRejectEvent> = this.rejects.event;
  /** A call got a permit. */
  readonly onAcquire: Event<BulkheadAcquireEvent> = this.acquires.event;
  /** A call gave its permit back. */
  readonly onRelease: Event<BulkheadReleaseEvent> = this.releases.event;
  /** The adaptive limit changed (never fires for a fixed limit). */
  readonly onLimitChange: Event<BulkheadLimitChangeEvent> = this.limitChanges.event;

  /** @internal use {@link bulkhead} or {@link adaptiveBulkhead}. */
  constructor(
    maxConcurrent: number,
    /** The queue's capacity. */
    readonly maxQueue: number,
    /** The longest wait in the queue. */
    readonly queueTimeoutMs: number,
    private readonly clock: Clock,
    private readonly adaptive: Limit | undefined,
    private readonly isDrop: (error: unknown) => boolean,
  ) {
    this.currentLimit = maxConcurrent;
  }

  /** Calls holding a permit. */
  get executing(): number {
    return this.running;
  }

  /** Calls waiting in the queue. */
  get queued(): number {
    return this.waiting;
  }

  /** Free permits. */
  get available(): number {
    return Math.max(0, this.currentLimit - this.running);
  }

  /** The current concurrency limit. */
  get limit(): number {
    return this.currentLimit;
  }

  /** A snapshot of the occupancy. */
  stats(): BulkheadStats {
    return {
      executing: this.running,
      queued: this.waiting,
      available: this.available,
      limit: this.currentLimit,
      maxQueue: this.maxQueue,
    };
  }

  /**
   * Runs `fn` once a permit is free. Rejects with {@link BulkheadRejectedError} when full,
   * {@link BulkheadQueueTimeoutError} after waiting `queueTimeoutMs`, the signal's reason when
   * the caller aborts while queued, and `TimeoutError` when the deadline passes while queued.
   */
  execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions | ExecuteContext): Promise<T> {
    if (!(options instanceof BaseContext) && options?.signal?.aborted)
      return Promise.reject(abortError(options.signal));
    const context = contextFrom(options);
    if (this.running < this.currentLimit && this.head === undefined) {
      this.running++;
      if (this.acquires.hasListeners)
        this.acquires.emit({ executing: this.running, queued: this.waiting, waitedMs: 0 });
      return this.run(fn, context);
    }
    if (this.waiting >= this.maxQueue) return Promise.reject(this.rejectFull());
    return this.enqueue(fn, context);
  }

  private rejectFull(): BulkheadRejectedError {
    const error = new BulkheadRejectedError(this.currentLimit, this.running, this.waiting, this.maxQueue);
    if (this.rejects.hasListeners)
      this.rejects.emit({
        reason: 'full',
        error,
        executing: this.running,
        queued: this.waiting,
        limit: this.currentLimit,
      });
    return error;
  }

  private async enqueue<T>(fn: PolicyFunction<T>, context: ExecuteContext): Promise<T> {
    const signal = context.signal;
    if (signal.aborted) throw abortError(signal);
    const now = this.clock.now();
    if (context.deadline <= now)
      throw new TimeoutError(0, context.deadline, { message: 'Deadline already passed' });
    const waiter = new Waiter(this, now);
    const admitted = new Promise<void>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    this.push(waiter);
    waiter.signal = signal;
    signal.addEventListener('abort', waiter.onAbort);
    const queueDeadline = now + this.queueTimeoutMs;
    const until = Math.min(queueDeadline, context.deadline);
    if (until !== Number.POSITIVE_INFINITY) {
      const byQueue = queueDeadline <= context.deadline;
      waiter.timer = this.clock.setTimeout(() => {
        waiter.timer = undefined;
        if (byQueue)
          this._abandon(waiter, new BulkheadQueueTimeoutError(this.queueTimeoutMs, this.waiting - 1));
        else this._abandon(waiter, new TimeoutError(context.deadline - now, context.deadline));
      }, until - now);
    }
    await admitted;
    // The permit is ours from here on; give it back if the caller left in the meantime.
    if (signal.aborted) {
      this.release();
      throw abortError(signal);
    }
    if (this.acquires.hasListeners)
      this.acquires.emit({ executing: this.running, queued: this.waiting, waitedMs: this.clock.now() - now });
    return this.run(fn, context);
  }

  private async run<T>(fn: PolicyFunction<T>, context: ExecuteContext): Promise<T> {
    const limit = this.adaptive;
    const inflight = this.running;
    const startedAt = limit ? this.clock.now() : 0;
    try {
      const value = await fn(context);
      if (limit) this.sample(limit, startedAt, inflight, false);
      return value;
    } catch (error) {
      if (limit && this.isDrop(error)) this.sample(limit, startedAt, inflight, true);
      throw error;
    } finally {
      this.release();
    }
  }

  private sample(limit: Limit, startedAt: number, inflight: number, didDrop: boolean): void {
    const sample: LimitSample = { rttMs: this.clock.now() - startedAt, inflight, didDrop };
    const from = this.currentLimit;
    const to = limit.update(sample);
    if (to === from) return;
    this.currentLimit = to;
    if (this.limitChanges.hasListeners) this.limitChanges.emit({ from, to, sample });
  }

  private release(): void {
    this.running--;
    this.admitWaiters();
    if (this.releases.hasListeners) this.releases.emit({ executing: this.running, queued: this.waiting });
  }

  /** Hands free permits to waiters, oldest first. */
  private admitWaiters(): void {
    while (this.head !== undefined && this.running < this.currentLimit) {
      const waiter = this.head;
      this.unlink(waiter);
      this.running++;
      waiter.resolve();
    }
  }

  /** @internal removes a waiter that gave up and rejects it with `error`. */
  _abandon(waiter: Waiter, error: Error): void {
    if (!this.unlink(waiter)) return;
    if (isBulkheadQueueTimeoutError(error) && this.rejects.hasListeners)
      this.rejects.emit({
        reason: 'queue-timeout',
        error,
        executing: this.running,
        queued: this.waiting,
        limit: this.currentLimit,
      });
    waiter.reject(error);
  }

  private push(waiter: Waiter): void {
    waiter.prev = this.tail;
    if (this.tail) this.tail.next = waiter;
    else this.head = waiter;
    this.tail = waiter;
    this.waiting++;
  }

  /** Removes `waiter` from the queue and its timer and listener; false if it was not queued. */
  private unlink(waiter: Waiter): boolean {
    if (waiter.prev === undefined && this.head !== waiter) return false;
    if (waiter.prev) waiter.prev.next = waiter.next;
    else this.head = waiter.next;
    if (waiter.next) waiter.next.prev = waiter.prev;
    else this.tail = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    this.waiting--;
    waiter.timer?.clear();
    waiter.timer = undefined;
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    return true;
  }
}

const KNOWN = ['maxConcurrent', 'maxQueue', 'queueTimeoutMs', 'clock'];
const KNOWN_ADAPTIVE = ['maxQueue', 'queueTimeoutMs', 'clock', 'isDrop'];

function checkClock(field: string, value: unknown): Clock {
  const clock = check.object<Clock>(field, value) ?? systemClock;
  if (typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function')
    throw new InvalidOptionError(field, value, 'a Clock (an object with now and setTimeout methods)');
  return clock;
}

function checkQueue(scope: string, options: { maxQueue?: unknown; queueTimeoutMs?: unknown }) {
  const d = DEFAULT_BULKHEAD_OPTIONS;
  return {
    maxQueue: check.integer(`${scope}.maxQueue`, options.maxQueue, d.maxQueue, {
      min: 0,
      allowInfinity: true,
    }),
    queueTimeoutMs: check.duration(`${scope}.queueTimeoutMs`, options.queueTimeoutMs, d.queueTimeoutMs, {
      allowInfinity: true,
    }),
  };
}

/**
 * A bulkhead with a fixed concurrency limit.
 *
 * @example
 * ```ts
 * import { bulkhead } from '@keel/core/bulkhead';
 * const payments = bulkhead({ maxConcurrent: 8, maxQueue: 16, queueTimeoutMs: 250 });
 * const status = await payments.execute(async ({ signal }) => (await fetch('https://example.com', { signal })).status);
 * console.log(status, payments.stats());
 * ```
 * @category Bulkhead
 */
export function bulkhead(options: BulkheadOptions = {}): Bulkhead {
  checkKnownKeys('bulkhead', options, KNOWN);
  const maxConcurrent = check.integer(
    'bulkhead.maxConcurrent',
    options.maxConcurrent,
    DEFAULT_BULKHEAD_OPTIONS.maxConcurrent,
    { min: 1 },
  );
  const { maxQueue, queueTimeoutMs } = checkQueue('bulkhead', options);
  const clock = checkClock('bulkhead.clock', options.clock);
  return new Bulkhead(maxConcurrent, maxQueue, queueTimeoutMs, clock, undefined, isOverloadError);
}

/**
 * A bulkhead whose concurrency limit follows an adaptive {@link Limit} ({@link gradient2},
 * {@link vegas} or {@link aimd}). Each call that completes is measured on the clock and fed to
 * the limit as `{ rttMs, inflight, didDrop }`: successes as non-drops, failures that `isDrop`
 * accepts (by default timeouts and downstream rejections) as drops; other failures, and calls
 * rejected by this bulkhead, are not fed. A lowered limit takes effect as permits come back;
 * a raised one admits waiters at once.
 *
 * @example
 * ```ts
 * import { adaptiveBulkhead, gradient2 } from '@keel/core/bulkhead';
 * const search = adaptiveBulkhead(gradient2({ initialLimit: 20, maxLimit: 200 }), { maxQueue: 20 });
 * search.onLimitChange(({ from, to }) => console.log(`limit ${from} -> ${to}`));
 * await search.execute(() => 'result');
 * ```
 * @category Bulkhead
 */
export function adaptiveBulkhead(limit: Limit, options: AdaptiveBulkheadOptions = {}): Bulkhead {
  if (typeof limit !== 'object' || limit === null || typeof limit.update !== 'function')
    throw new InvalidOptionError('limit', limit, 'a Limit such as gradient2(), vegas() or aimd()');
  checkKnownKeys('adaptiveBulkhead', options, KNOWN_ADAPTIVE);
  const { maxQueue, queueTimeoutMs } = checkQueue('adaptiveBulkhead', options);
  const clock = checkClock('adaptiveBulkhead.clock', options.clock);
  const isDrop =
    check.func<(error: unknown) => boolean>('adaptiveBulkhead.isDrop', options.isDrop) ?? isOverloadError;
  return new Bulkhead(Math.max(1, limit.current), maxQueue, queueTimeoutMs, clock, limit, isDrop);
}
