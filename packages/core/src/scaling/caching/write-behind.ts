import { type Clock, systemClock, type TimerHandle } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import { WriteBehindClosedError } from './errors.js';

/** Writes a batch of coalesced changes to the source of truth; rejecting means retry later. */
export type BatchWriter<K, V> = (batch: ReadonlyMap<K, V>) => Promise<unknown> | unknown;

/** Options of a {@link WriteBehind} buffer. */
export interface WriteBehindOptions {
  /**
   * The most distinct keys waiting; a write of a new key beyond this waits for a flush
   * (back-pressure instead of unbounded memory).
   * @default 1_000
   */
  readonly maxPending?: number;
  /**
   * How long a write may wait before it is flushed, in milliseconds.
   * @default 1_000
   */
  readonly flushInterval?: number;
  /**
   * The most keys given to the writer at once.
   * @default Infinity
   */
  readonly maxBatch?: number;
  /**
   * The source of time for the flush interval.
   * @default systemClock
   */
  readonly clock?: Clock;
}

/**
 * The defaults of {@link WriteBehindOptions}.
 * @example
 * ```ts
 * import { DEFAULT_WRITE_BEHIND_OPTIONS } from '@keel/core/caching';
 * console.log(DEFAULT_WRITE_BEHIND_OPTIONS.maxPending, DEFAULT_WRITE_BEHIND_OPTIONS.flushInterval); // 1000 1000
 * ```
 */
export const DEFAULT_WRITE_BEHIND_OPTIONS = {
  maxPending: 1_000,
  flushInterval: 1_000,
  maxBatch: Number.POSITIVE_INFINITY,
} as const;

/** A flush that failed; its changes were put back (unless overwritten since) for the next flush. */
export interface WriteBehindErrorEvent<K, V> {
  readonly error: unknown;
  readonly batch: ReadonlyMap<K, V>;
  /** How many flushes in a row have failed. */
  readonly failures: number;
}

/** A successful flush. */
export interface WriteBehindFlushEvent<K, V> {
  readonly batch: ReadonlyMap<K, V>;
}

/**
 * Write-behind: writes are acknowledged once buffered and reach the source of truth later, in
 * batches, with repeated writes to one key coalesced into the last. A flush happens
 * `flushInterval` after the first pending write, when a batch fills up, on {@link WriteBehind.flush}
 * and on {@link WriteBehind.dispose}. A failed flush is reported on `onError` and its changes are
 * retried with the next one; a newer write to the same key wins over the failed one. The buffer
 * is bounded: when `maxPending` keys wait, new keys wait for room.
 *
 * The trade-off: a crash loses what is still buffered, and readers of the source see changes
 * late. Use it where that is acceptable (counters, analytics, session touches).
 *
 * @example
 * ```ts
 * import { WriteBehind } from '@keel/core/caching';
 * const saved: string[] = [];
 * const buffer = new WriteBehind<string, number>(async (batch) => {
 *   for (const [key, value] of batch) saved.push(`${key}=${value}`);
 * });
 * await buffer.write('views:home', 1);
 * await buffer.write('views:home', 2);
 * await buffer.dispose();
 * console.log(saved); // ["views:home=2"]
 * ```
 */
export class WriteBehind<K, V> {
  private pending = new Map<K, V>();
  private readonly maxPending: number;
  private readonly flushInterval: number;
  private readonly maxBatch: number;
  private readonly clock: Clock;
  private timer: TimerHandle | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;
  private closed = false;
  private readonly roomWaiters: (() => void)[] = [];
  private readonly errors = new EventEmitter<WriteBehindErrorEvent<K, V>>();
  private readonly flushes = new EventEmitter<WriteBehindFlushEvent<K, V>>();

  /** Fires when a flush fails (the changes are kept for the next one). */
  readonly onError: Event<WriteBehindErrorEvent<K, V>> = this.errors.event;
  /** Fires after each successful flush. */
  readonly onFlush: Event<WriteBehindFlushEvent<K, V>> = this.flushes.event;

  constructor(
    private readonly writer: BatchWriter<K, V>,
    options: WriteBehindOptions = {},
  ) {
    if (typeof writer !== 'function') throw new InvalidOptionError('writer', writer, 'a function');
    checkKnownKeys('writeBehind', options, ['maxPending', 'flushInterval', 'maxBatch', 'clock']);
    const d = DEFAULT_WRITE_BEHIND_OPTIONS;
    this.maxPending = check.integer('maxPending', options.maxPending, d.maxPending, { min: 1 });
    this.flushInterval = check.duration('flushInterval', options.flushInterval, d.flushInterval);
    this.maxBatch = check.integer('maxBatch', options.maxBatch, d.maxBatch, { min: 1, allowInfinity: true });
    this.clock = check.object<Clock>('clock', options.clock) ?? systemClock;
  }

  /** Distinct keys waiting to be written. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** The value waiting for `key`, if any (so that reads can see their own writes). */
  peek(key: K): V | undefined {
    return this.pending.get(key);
  }

  /**
   * Buffers a write; resolves once it is accepted (at once, unless the buffer is full of other
   * keys). Throws {@link WriteBehindClosedError} after {@link WriteBehind.dispose}.
   */
  async write(key: K, value: V): Promise<void> {
    for (;;) {
      if (this.closed) throw new WriteBehindClosedError(key);
      if (this.pending.has(key) || this.pending.size < this.maxPending) break;
      // While the source is failing, wait for the timer's retry rather than hammering it.
      if (this.failures === 0) void this.flush();
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
    this.pending.set(key, value);
    if (this.pending.size >= this.maxBatch) void this.flush();
    else this.timer ??= this.clock.setTimeout(() => this.onTimer(), this.flushInterval);
  }

  /**
   * Writes everything pending now (after any flush in progress); resolves when done, and never
   * rejects: failures go to `onError` and stay pending.
   */
  async flush(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
    if (this.pending.size === 0) return;
    this.timer?.clear();
    this.timer = undefined;
    this.flushing = this.writeBatch();
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /**
   * Refuses new writes, then flushes what is pending (one more attempt if a flush fails) and
   * returns the changes that could not be written (empty when all were).
   */
  async dispose(): Promise<ReadonlyMap<K, V>> {
    this.closed = true;
    for (const wake of this.roomWaiters.splice(0)) wake();
    const before = this.failures;
    while (this.pending.size > 0 && this.failures - before < 2) await this.flush();
    this.timer?.clear();
    this.timer = undefined;
    const unwritten = this.pending;
    this.pending = new Map();
    return unwritten;
  }

  private onTimer(): void {
    this.timer = undefined;
    void this.flush();
  }

  private async writeBatch(): Promise<void> {
    let batch: Map<K, V>;
    if (this.pending.size <= this.maxBatch) {
      batch = this.pending;
      this.pending = new Map();
    } else {
      batch = new Map();
      for (const [key, value] of this.pending) {
        if (batch.size >= this.maxBatch) break;
        batch.set(key, value);
        this.pending.delete(key);
      }
    }
    try {
      await this.writer(batch);
      this.failures = 0;
      if (this.flushes.hasListeners) this.flushes.emit({ batch });
    } catch (error) {
      this.failures++;
      // Put the failed changes back, unless a newer write to the same key arrived meanwhile.
      const merged = new Map(batch);
      for (const [key, value] of this.pending) merged.set(key, value);
      this.pending = merged;
      if (this.errors.hasListeners) this.errors.emit({ error, batch, failures: this.failures });
    }
    for (const wake of this.roomWaiters.splice(0)) wake();
    if (this.pending.size > 0 && !this.closed)
      this.timer ??= this.clock.setTimeout(() => this.onTimer(), this.flushInterval);
  }
}
