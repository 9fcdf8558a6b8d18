import { randomBytes } from 'node:crypto';
import { type Clock, systemClock, type TimerHandle } from '@keel/core/clock';
import { InvalidOptionError } from '@keel/core/errors';
import { type Event, EventEmitter } from '@keel/core/events';
import { check, checkKnownKeys } from '@keel/core/options';
import { type Random, systemRandom } from '@keel/core/random';
import { abortError, sleep } from '@keel/core/signal';
import type { Redis } from 'ioredis';
import { DELETE_IF_OWNER, EXTEND_IF_OWNER } from './owner-checked-scripts.js';
import { isRedlockLostError, RedlockQuorumError, type RedlockTally } from './redlock-errors.js';
import {
  type RedlockEvent,
  type RedlockLease,
  RedlockLeaseHandle,
  type RedlockOperations,
} from './redlock-lease.js';

export type { RedlockTally } from './redlock-errors.js';
export {
  isRedlockLostError,
  isRedlockQuorumError,
  RedlockLostError,
  RedlockQuorumError,
} from './redlock-errors.js';
export type { RedlockEvent, RedlockLease, RedlockLeaseState } from './redlock-lease.js';

/**
 * Options of {@link Redlock}.
 * @category Coordination
 */
export interface RedlockOptions {
  /** Prefix of the lock key on every instance. @default 'keel:redlock:' */
  readonly prefix?: string;
  /** Share of the TTL assumed lost to clocks running at different rates. @default 0.01 */
  readonly driftFactor?: number;
  /** Fixed drift allowance: Redis expires with 1 ms precision, plus 1 ms for small TTLs. @default 2 */
  readonly driftMs?: number;
  /**
   * How long to wait for one instance's answer before counting it as failed; keep it far below
   * the TTL so that a dead instance does not eat the validity.
   * @default 50
   */
  readonly instanceTimeoutMs?: number;
  /** Further attempts after a failed one (0: try once). @default 10 */
  readonly retryCount?: number;
  /** Pause between attempts. @default 200 */
  readonly retryDelayMs?: number;
  /** Up to this much is added at random to each pause, so that contenders drift apart. @default 100 */
  readonly retryJitterMs?: number;
  /** The client's clock, on which elapsed time and validity are counted. @default systemClock */
  readonly clock?: Clock;
  /** Source of retry jitter. @default systemRandom */
  readonly random?: Random;
}

/**
 * Defaults of {@link RedlockOptions}, from antirez's description of the algorithm and the
 * settings of the `redlock` npm package.
 *
 * @example
 * ```ts
 * import { DEFAULT_REDLOCK_OPTIONS } from '@keel/redis';
 * const { retryCount, retryDelayMs } = DEFAULT_REDLOCK_OPTIONS;
 * console.log(`up to ${retryCount} retries, ${retryDelayMs} ms apart`); // up to 10 retries, 200 ms apart
 * ```
 * @category Coordination
 */
export const DEFAULT_REDLOCK_OPTIONS = Object.freeze({
  prefix: 'keel:redlock:',
  driftFactor: 0.01,
  driftMs: 2,
  instanceTimeoutMs: 50,
  retryCount: 10,
  retryDelayMs: 200,
  retryJitterMs: 100,
});

/**
 * Options of {@link Redlock.acquire}.
 * @category Coordination
 */
export interface RedlockAcquireOptions {
  /** Lock TTL on every instance, in milliseconds. @default 30000 */
  readonly ttlMs?: number;
  /** Further attempts after a failed one. @default the Redlock's retryCount */
  readonly retryCount?: number;
  /** Cancels the wait between attempts; a lock won while cancelling is released at once. */
  readonly signal?: AbortSignal;
}

/**
 * Options of {@link Redlock.withLock}.
 * @category Coordination
 */
export interface RedlockWithLockOptions extends RedlockAcquireOptions {
  /** Extend the lock every `ttlMs × extendRatio` while the function runs, in (0, 0.9]. @default 1/3 */
  readonly extendRatio?: number;
}

/**
 * Default acquisition options of {@link Redlock}.
 *
 * @example
 * ```ts
 * import { DEFAULT_REDLOCK_ACQUIRE_OPTIONS } from '@keel/redis';
 * console.log(DEFAULT_REDLOCK_ACQUIRE_OPTIONS.ttlMs); // 30000
 * ```
 * @category Coordination
 */
export const DEFAULT_REDLOCK_ACQUIRE_OPTIONS = Object.freeze({ ttlMs: 30_000, extendRatio: 1 / 3 });

/**
 * The outcome of one quorum round of {@link Redlock.tryLock} or {@link Redlock.extendLock}.
 * @category Coordination
 */
export interface RedlockAttempt {
  /** A majority agreed and some validity is left. */
  readonly ok: boolean;
  /** How the instances answered. */
  readonly tally: RedlockTally;
  /** Start of the round + TTL − drift, on the client's clock. */
  readonly validUntil: number;
}

type Vote = 'granted' | 'refused' | 'failed';

/**
 * Redlock: a lock held on a majority of N independent Redis servers (no replication between
 * them), as antirez describes it in "Distributed Locks with Redis" (redis.io). An acquisition
 * sends `SET key value NX PX ttl` with the same random value to every instance at once, each
 * with a short timeout; it holds if at least `floor(N/2) + 1` granted it and time is left:
 * validity = TTL − elapsed − (TTL × `driftFactor` + `driftMs`). Otherwise it deletes its value
 * everywhere (owner-checked) and retries after a random pause. Extension and release run an
 * owner-checked script on every instance.
 *
 * **An efficiency lock, not a correctness lock.** Its leases carry no fencing token, and none
 * could be made strictly increasing: per-instance counters restart or fork with a failover and
 * majorities change members. Martin Kleppmann, "How to do distributed locking" (2016), shows how
 * a pause or network delay past the validity lets two clients act at once, and that only a
 * monotonic token checked by the resource prevents the damage. So a {@link RedlockLease} has no
 * `token` and is no `LockHandle`: it cannot be handed to `FencedStore` or anything else that
 * wants one. Use it where a rare duplicate only costs work; where it must not happen, use a
 * fencing lease store (PostgreSQL, etcd, or one Redis with `RedisLeaseStore` and a fenced resource).
 *
 * @example
 * ```ts
 * import { Redlock } from '@keel/redis';
 * import { Redis } from 'ioredis';
 * const instances = [6380, 6381, 6382].map((port) => new Redis({ port }));
 * const redlock = new Redlock(instances);
 * await redlock.withLock('nightly-report', async (lease) => {
 *   if (!lease.signal.aborted) console.log('only one of us builds the report (most of the time)');
 * }, { ttlMs: 10_000 });
 * for (const redis of instances) redis.disconnect();
 * ```
 * @category Coordination
 */
export class Redlock {
  private readonly instances: readonly Redis[];
  private readonly prefix: string;
  private readonly driftFactor: number;
  private readonly driftMs: number;
  private readonly instanceTimeoutMs: number;
  private readonly retryCount: number;
  private readonly retryDelayMs: number;
  private readonly retryJitterMs: number;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly emitter = new EventEmitter<RedlockEvent>();
  private readonly operations: RedlockOperations;

  /** Every acquisition, extension, loss and release of a lease of this Redlock. */
  readonly events: Event<RedlockEvent> = this.emitter.event;
  /** Instances that must agree: `floor(N / 2) + 1`. */
  readonly quorum: number;

  constructor(instances: readonly Redis[], options: RedlockOptions = {}) {
    if (!Array.isArray(instances) || instances.length === 0)
      throw new InvalidOptionError('instances', instances, 'a non-empty array of Redis clients');
    checkKnownKeys('Redlock', options, [
      'prefix',
      'driftFactor',
      'driftMs',
      'instanceTimeoutMs',
      'retryCount',
      'retryDelayMs',
      'retryJitterMs',
      'clock',
      'random',
    ]);
    const d = DEFAULT_REDLOCK_OPTIONS;
    this.instances = [...instances];
    this.quorum = Math.floor(instances.length / 2) + 1;
    this.prefix = check.string('prefix', options.prefix, d.prefix);
    this.driftFactor = check.number('driftFactor', options.driftFactor, d.driftFactor, { min: 0, max: 0.5 });
    this.driftMs = check.duration('driftMs', options.driftMs, d.driftMs);
    this.instanceTimeoutMs = check.duration(
      'instanceTimeoutMs',
      options.instanceTimeoutMs,
      d.instanceTimeoutMs,
      {
        above: 0,
      },
    );
    this.retryCount = check.integer('retryCount', options.retryCount, d.retryCount, { min: 0 });
    this.retryDelayMs = check.duration('retryDelayMs', options.retryDelayMs, d.retryDelayMs);
    this.retryJitterMs = check.duration('retryJitterMs', options.retryJitterMs, d.retryJitterMs);
    this.clock = (check.object<Clock>('clock', options.clock) ?? systemClock) as Clock;
    this.random = (check.object<Random>('random', options.random) ?? systemRandom) as Random;
    this.operations = {
      clock: this.clock,
      instanceCount: this.instances.length,
      quorum: this.quorum,
      extendOn: (key, value, ttlMs) => this.extendLock(key, value, ttlMs),
      unlockOn: (key, value) => this.unlock(key, value),
    };
  }

  /** The Redis key of lock `key` on every instance. */
  keyOf(key: string): string {
    return `${this.prefix}${key}`;
  }

  /** The drift allowance for a TTL: `ttlMs × driftFactor + driftMs`. */
  driftFor(ttlMs: number): number {
    return ttlMs * this.driftFactor + this.driftMs;
  }

  /**
   * Takes the lock on a majority of instances, retrying up to `retryCount` times; rejects with
   * {@link RedlockQuorumError} (whose `tally` tells whether the lock was busy or instances were
   * down) when every attempt failed.
   */
  async acquire(key: string, options?: RedlockAcquireOptions): Promise<RedlockLease> {
    return this.acquireLease(key, this.resolve(options, false));
  }

  /**
   * Runs `fn` holding the lock, extending it every `ttlMs × extendRatio`, and releases it
   * afterwards. `fn`'s own error is what rejects, never a release failure. Check
   * `lease.signal` before each step that must not run twice.
   */
  async withLock<T>(
    key: string,
    fn: (lease: RedlockLease) => T | PromiseLike<T>,
    options?: RedlockWithLockOptions,
  ): Promise<T> {
    if (typeof fn !== 'function') throw new InvalidOptionError('fn', fn, 'a function');
    const resolved = this.resolve(options, true);
    const lease = await this.acquireLease(key, resolved);
    let timer: TimerHandle | undefined;
    let stopped = false;
    const extendEvery = resolved.ttlMs * resolved.extendRatio;
    const schedule = (delay: number): void => {
      if (!stopped) timer = this.clock.setTimeout(tick, delay);
    };
    const tick = (): void => {
      if (stopped || !lease.held) return;
      lease.extend().then(
        () => schedule(extendEvery),
        // A lost lease ends it; a short quorum is retried sooner while validity is left.
        (error: unknown) => {
          if (!isRedlockLostError(error)) schedule(extendEvery / 2);
        },
      );
    };
    schedule(extendEvery);
    try {
      return await fn(lease);
    } finally {
      stopped = true;
      timer?.clear();
      await lease.release().catch(() => false);
    }
  }

  /**
   * One acquisition round with a caller-chosen `value`: `SET NX PX` on every instance at once.
   * When it fails (no majority, or no validity left) the value is deleted again everywhere it
   * may have been set before this resolves.
   */
  async tryLock(key: string, value: string, ttlMs: number): Promise<RedlockAttempt> {
    const redisKey = this.keyOf(key);
    const ttl = Math.ceil(ttlMs);
    const startedAt = this.clock.now();
    const votes = await Promise.all(
      this.instances.map((redis) =>
        this.vote(redis.set(redisKey, value, 'PX', ttl, 'NX'), (reply) => reply === 'OK'),
      ),
    );
    const attempt = this.judge(votes, startedAt, ttlMs);
    if (!attempt.ok) await this.unlock(key, value);
    return attempt;
  }

  /** One extension round: owner-checked `PEXPIRE` on every instance at once. */
  async extendLock(key: string, value: string, ttlMs: number): Promise<RedlockAttempt> {
    const args = [this.keyOf(key), value, Math.ceil(ttlMs)];
    const startedAt = this.clock.now();
    const votes = await Promise.all(
      this.instances.map((redis) => this.vote(EXTEND_IF_OWNER.run(redis, args), (reply) => reply === 1)),
    );
    return this.judge(votes, startedAt, ttlMs);
  }

  /** Deletes `key` on every instance where it holds `value`; `granted` counts the deletions. */
  async unlock(key: string, value: string): Promise<RedlockTally> {
    const args = [this.keyOf(key), value];
    const votes = await Promise.all(
      this.instances.map((redis) => this.vote(DELETE_IF_OWNER.run(redis, args), (reply) => reply === 1)),
    );
    return this.tally(votes);
  }

  /** The value that a majority of instances hold for `key`, if any. */
  async holder(key: string): Promise<string | undefined> {
    const redisKey = this.keyOf(key);
    const values = await Promise.all(
      this.instances.map((redis) => this.bounded(redis.get(redisKey)).catch(() => null)),
    );
    const counts = new Map<string, number>();
    for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
    for (const [value, count] of counts) if (count >= this.quorum) return value;
    return undefined;
  }

  private async acquireLease(key: string, options: ResolvedAcquire): Promise<RedlockLease> {
    check.string('key', key);
    const { ttlMs, signal } = options;
    if (signal?.aborted) throw abortError(signal);
    const value = randomBytes(20).toString('hex');
    let tally: RedlockTally | undefined;
    for (let attempt = 1; attempt <= options.retryCount + 1; attempt++) {
      if (attempt > 1)
        await sleep(this.clock, this.retryDelayMs + this.random.next() * this.retryJitterMs, signal);
      const result = await this.tryLock(key, value, ttlMs);
      if (result.ok) {
        if (signal?.aborted) {
          await this.unlock(key, value);
          throw abortError(signal);
        }
        const lease = new RedlockLeaseHandle(
          key,
          value,
          ttlMs,
          result.validUntil,
          this.operations,
          this.emitter,
        );
        this.emitter.emit({ type: 'acquired', key, attempts: attempt, validUntil: result.validUntil });
        return lease;
      }
      tally = result.tally;
    }
    throw new RedlockQuorumError('acquire', key, options.retryCount + 1, tally!);
  }

  private judge(votes: readonly Vote[], startedAt: number, ttlMs: number): RedlockAttempt {
    const tally = this.tally(votes);
    const validUntil = startedAt + ttlMs - this.driftFor(ttlMs);
    return { ok: tally.granted >= this.quorum && this.clock.now() < validUntil, tally, validUntil };
  }

  private tally(votes: readonly Vote[]): RedlockTally {
    let granted = 0;
    let refused = 0;
    let failed = 0;
    for (const vote of votes) {
      if (vote === 'granted') granted++;
      else if (vote === 'refused') refused++;
      else failed++;
    }
    return { granted, refused, failed, quorum: this.quorum };
  }

  private vote<R>(reply: Promise<R>, granted: (reply: R) => boolean): Promise<Vote> {
    return this.bounded(reply).then(
      (answer) => (granted(answer) ? 'granted' : 'refused'),
      () => 'failed',
    );
  }

  /** `promise`, or a rejection once `instanceTimeoutMs` has passed without an answer. */
  private bounded<R>(promise: Promise<R>): Promise<R> {
    let timer: TimerHandle | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(
        () => reject(new Error('instance did not answer in time')),
        this.instanceTimeoutMs,
      );
    });
    return Promise.race([promise, limit]).finally(() => timer?.clear());
  }

  private resolve(options: RedlockWithLockOptions | undefined, withExtension: boolean): ResolvedAcquire {
    checkKnownKeys(
      'options',
      options,
      withExtension ? ['ttlMs', 'retryCount', 'signal', 'extendRatio'] : ['ttlMs', 'retryCount', 'signal'],
    );
    const o = options ?? {};
    const ttlMs = check.duration('options.ttlMs', o.ttlMs, DEFAULT_REDLOCK_ACQUIRE_OPTIONS.ttlMs, {
      above: 0,
    });
    return {
      ttlMs,
      retryCount: check.integer('options.retryCount', o.retryCount, this.retryCount, { min: 0 }),
      signal: check.signal('options.signal', o.signal),
      extendRatio: check.number(
        'options.extendRatio',
        o.extendRatio,
        DEFAULT_REDLOCK_ACQUIRE_OPTIONS.extendRatio,
        {
          above: 0,
          max: 0.9,
        },
      ),
    };
  }
}

interface ResolvedAcquire {
  readonly ttlMs: number;
  readonly retryCount: number;
  readonly signal: AbortSignal | undefined;
  readonly extendRatio: number;
}
