import type { Clock, TimerHandle } from '../../clock/index.js';
import { systemClock } from '../../clock/index.js';
import { AbortedError, InvalidOptionError, TimeoutError } from '../../errors/index.js';
import type { Event } from '../../events/index.js';
import { EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import type { ExecuteContext, ExecuteOptions, Policy, PolicyFunction } from '../../policy/index.js';
import { AbortableContext, contextFrom } from '../../policy/index.js';
import { isNativePromise } from '../../policy/native-promise.js';
import { abortError } from '../../signal/index.js';

/**
 * How a {@link TimeoutPolicy} enforces its limit.
 *
 * - `'cooperative'`: the function's signal aborts at the limit and the caller waits until the
 *   function settles, with the function's own outcome. Nothing is left running behind the caller.
 * - `'aggressive'`: the signal aborts too, and the caller's promise rejects at once with the
 *   `TimeoutError`, even if the function ignores its signal and keeps running.
 * @example
 * ```ts
 * import { timeout, type TimeoutMode } from '@keel/core/timeout';
 * const mode: TimeoutMode = 'aggressive';
 * const policy = timeout(1_000, { mode });
 * ```
 * @category Timeout
 */
export type TimeoutMode = 'cooperative' | 'aggressive';

/**
 * Options of {@link timeout}.
 * @example
 * ```ts
 * import { VirtualClock } from '@keel/core/clock';
 * import { timeout } from '@keel/core/timeout';
 * const policy = timeout(250, { mode: 'cooperative', abortOnReturn: false, clock: new VirtualClock() });
 * ```
 * @category Timeout
 */
export interface TimeoutOptions {
  /**
   * Whether the caller waits for the function to settle after the limit (`'cooperative'`) or is
   * released at the limit (`'aggressive'`). Aggressive mode reads the signal on every call, so it
   * costs one `AbortController` per call.
   * @default 'cooperative'
   */
  readonly mode?: TimeoutMode;
  /**
   * Abort the function's signal once it has settled, releasing anything still tied to it.
   * Off by default because a response body is often read after the call returns, and aborting
   * would cut it off.
   * @default false
   */
  readonly abortOnReturn?: boolean;
  /**
   * The clock deadlines are measured on.
   * @default systemClock
   */
  readonly clock?: Clock;
}

/**
 * The defaults of {@link TimeoutOptions}.
 * @example
 * ```ts
 * import { DEFAULT_TIMEOUT_OPTIONS } from '@keel/core/timeout';
 * console.log(DEFAULT_TIMEOUT_OPTIONS.mode); // 'cooperative'
 * ```
 * @category Timeout
 */
export const DEFAULT_TIMEOUT_OPTIONS = {
  mode: 'cooperative',
  abortOnReturn: false,
} as const satisfies TimeoutOptions;

/**
 * Emitted by {@link TimeoutPolicy.onTimeout} when a call reaches its deadline.
 * @example
 * ```ts
 * import { timeout } from '@keel/core/timeout';
 * timeout(100).onTimeout(({ elapsedMs, deadline }) => console.log(`timed out after ${elapsedMs} ms (deadline ${deadline})`));
 * ```
 * @category Timeout
 */
export interface TimeoutEvent {
  /** The budget the call had, in milliseconds (the policy's duration or less, if the parent's deadline was earlier). */
  readonly timeoutMs: number;
  /** Milliseconds between the start of the call and the moment the timeout was noticed. */
  readonly elapsedMs: number;
  /** The absolute deadline that passed, on the policy's clock. */
  readonly deadline: number;
  /** The attempt number of the context the call ran in. */
  readonly attempt: number;
}

/**
 * Emitted by {@link TimeoutPolicy.onSuccess} and {@link TimeoutPolicy.onFailure}.
 * @example
 * ```ts
 * import { timeout } from '@keel/core/timeout';
 * timeout(100).onSuccess(({ durationMs }) => console.log(`answered in ${durationMs} ms`));
 * ```
 * @category Timeout
 */
export interface TimeoutSettledEvent {
  /** Milliseconds from the start of the call until it settled for the caller. */
  readonly durationMs: number;
  /** True when the deadline had passed by then. */
  readonly timedOut: boolean;
}

/**
 * Emitted by {@link TimeoutPolicy.onFailure}.
 * @example
 * ```ts
 * import { timeout } from '@keel/core/timeout';
 * timeout(100).onFailure(({ error, timedOut }) => console.log(timedOut ? 'timed out' : String(error)));
 * ```
 * @category Timeout
 */
export interface TimeoutFailureEvent extends TimeoutSettledEvent {
  /** What the caller's promise rejected with. */
  readonly error: unknown;
}

/** One call in flight: its context plus its place in the policy's queue. */
class TimedContext extends AbortableContext {
  prev: TimedContext | undefined = undefined;
  next: TimedContext | undefined = undefined;
  queued = false;
  /** Set only when the parent's deadline is earlier than the policy's own. */
  timer: TimerHandle | undefined = undefined;

  constructor(
    parent: ExecuteContext,
    deadline: number,
    readonly startedAt: number,
  ) {
    super(parent, deadline, parent.attempt);
  }
}

/**
 * Limits how long a function may run. Built by {@link timeout}.
 *
 * The function receives a context whose `deadline` is the earlier of its parent's deadline and
 * now plus the duration, and whose `signal` aborts at that deadline with a `TimeoutError` (or with
 * the parent's own reason, unchanged, if the parent aborts first).
 *
 * All calls through one policy share one duration, so their deadlines arrive in call order: the
 * policy keeps them in a queue and arms a single clock timer for the head. A call that returns in
 * time costs no timer and no `AbortController` (unless the function reads its signal).
 *
 * @example
 * ```ts
 * import { timeout } from '@keel/core/timeout';
 * const policy = timeout(2_000);
 * const status = await policy.execute(async ({ signal }) => (await fetch('https://example.com', { signal })).status);
 * ```
 * @category Timeout
 */
export class TimeoutPolicy implements Policy {
  /** The limit in milliseconds. */
  readonly durationMs: number;
  /** The enforcement mode. */
  readonly mode: TimeoutMode;
  /** Whether the signal is aborted after the function settles. */
  readonly abortOnReturn: boolean;

  private readonly clock: Clock;
  private readonly timeoutEmitter = new EventEmitter<TimeoutEvent>();
  private readonly successEmitter = new EventEmitter<TimeoutSettledEvent>();
  private readonly failureEmitter = new EventEmitter<TimeoutFailureEvent>();
  private head: TimedContext | undefined;
  private tail: TimedContext | undefined;
  private timer: TimerHandle | undefined;
  private individuallyTimed = 0;
  private readonly onTimer = (): void => this.expireDue();

  /** Fires when a call reaches its deadline. */
  readonly onTimeout: Event<TimeoutEvent> = this.timeoutEmitter.event;
  /** Fires when the caller's promise resolves. */
  readonly onSuccess: Event<TimeoutSettledEvent> = this.successEmitter.event;
  /** Fires when the caller's promise rejects. */
  readonly onFailure: Event<TimeoutFailureEvent> = this.failureEmitter.event;

  constructor(durationMs: number, options: TimeoutOptions = {}) {
    if (durationMs === undefined)
      throw new InvalidOptionError('durationMs', durationMs, 'a number of milliseconds > 0');
    this.durationMs = check.duration('durationMs', durationMs, 0, { above: 0, allowInfinity: true });
    check.object('options', options);
    checkKnownKeys('timeout', options, ['mode', 'abortOnReturn', 'clock']);
    this.mode = check.oneOf('mode', options.mode, DEFAULT_TIMEOUT_OPTIONS.mode, [
      'cooperative',
      'aggressive',
    ]);
    this.abortOnReturn = check.boolean(
      'abortOnReturn',
      options.abortOnReturn,
      DEFAULT_TIMEOUT_OPTIONS.abortOnReturn,
    );
    this.clock = checkClock('clock', options.clock);
  }

  /** Number of calls under this policy whose deadline has not yet passed and that have not settled. */
  get inFlight(): number {
    let count = this.individuallyTimed;
    for (let node = this.head; node; node = node.next) count++;
    return count;
  }

  execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions | ExecuteContext): Promise<T> {
    const parent = contextFrom(options);
    const now = this.clock.now();
    const own = now + this.durationMs;
    const deadline = Math.min(parent.deadline, own);
    if (deadline <= now) return this.alreadyExpired(parent, deadline);
    const context = new TimedContext(parent, deadline, now);
    if (deadline === own) this.enqueue(context);
    else this.armIndividually(context, deadline - now);
    return this.mode === 'cooperative' ? this.runCooperative(fn, context) : this.runAggressive(fn, context);
  }

  private runCooperative<T>(fn: PolicyFunction<T>, context: TimedContext): Promise<T> {
    let returned: T | PromiseLike<T>;
    try {
      returned = fn(context);
    } catch (error) {
      return this.settleRejected(context, error);
    }
    if (!isNativePromise(returned)) return this.awaitCooperative(returned, context);
    // A built-in promise: `then` settles on the turn `await` would resume on, without an async frame.
    return returned.then(
      (value) => {
        this.settle(context, true, undefined);
        return value;
      },
      (error: unknown) => {
        this.settle(context, false, error);
        throw error;
      },
    );
  }

  /** The function threw synchronously: settle, then reject (async, so a throwing listener rejects too). */
  private async settleRejected<T>(context: TimedContext, error: unknown): Promise<T> {
    this.settle(context, false, error);
    throw error;
  }

  /** The function returned a plain value or a foreign thenable: adopt it with `await`. */
  private async awaitCooperative<T>(returned: T | PromiseLike<T>, context: TimedContext): Promise<T> {
    let value: T;
    try {
      value = await returned;
    } catch (error) {
      this.settle(context, false, error);
      throw error;
    }
    this.settle(context, true, undefined);
    return value;
  }

  private runAggressive<T>(fn: PolicyFunction<T>, context: TimedContext): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const signal = context.signal;
      let done = false;
      const onAbort = (): void => {
        if (done) return;
        done = true;
        const error = abortError(signal);
        this.settle(context, false, error);
        reject(error);
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      let result: T | PromiseLike<T>;
      try {
        result = fn(context);
      } catch (error) {
        result = Promise.reject(error);
      }
      Promise.resolve(result).then(
        (value) => {
          if (done) return;
          done = true;
          signal.removeEventListener('abort', onAbort);
          this.settle(context, true, undefined);
          resolve(value);
        },
        (error: unknown) => {
          if (done) return;
          done = true;
          signal.removeEventListener('abort', onAbort);
          this.settle(context, false, error);
          reject(error);
        },
      );
    });
  }

  private alreadyExpired<T>(parent: ExecuteContext, deadline: number): Promise<T> {
    const error = new TimeoutError(0, deadline, { message: 'Deadline already passed' });
    if (this.timeoutEmitter.hasListeners)
      this.timeoutEmitter.emit({ timeoutMs: 0, elapsedMs: 0, deadline, attempt: parent.attempt });
    if (this.failureEmitter.hasListeners) this.failureEmitter.emit({ durationMs: 0, timedOut: true, error });
    return Promise.reject(error);
  }

  private settle(context: TimedContext, ok: boolean, error: unknown): void {
    const timedOut = context.aborted && context.reason instanceof TimeoutError;
    this.untrack(context);
    if (this.abortOnReturn) context.abort(new AbortedError('the operation settled'));
    else context.release();
    if (ok) {
      if (this.successEmitter.hasListeners)
        this.successEmitter.emit({ durationMs: this.clock.now() - context.startedAt, timedOut });
    } else if (this.failureEmitter.hasListeners) {
      this.failureEmitter.emit({ durationMs: this.clock.now() - context.startedAt, timedOut, error });
    }
  }

  private enqueue(context: TimedContext): void {
    context.queued = true;
    const tail = this.tail;
    if (tail) {
      tail.next = context;
      context.prev = tail;
    } else {
      this.head = context;
    }
    this.tail = context;
    // The armed timer, if any, is due no later than the head, and the new call is due no earlier
    // than any call already queued, so the timer only needs arming when none is pending.
    if (!this.timer) this.timer = this.clock.setTimeout(this.onTimer, context.deadline - context.startedAt);
  }

  private armIndividually(context: TimedContext, delay: number): void {
    this.individuallyTimed++;
    context.timer = this.clock.setTimeout(() => {
      context.timer = undefined;
      this.individuallyTimed--;
      this.expire(context, this.clock.now());
    }, delay);
  }

  private untrack(context: TimedContext): void {
    if (context.queued) {
      context.queued = false;
      const { prev, next } = context;
      if (prev) prev.next = next;
      else this.head = next;
      if (next) next.prev = prev;
      else this.tail = prev;
      context.prev = undefined;
      context.next = undefined;
      // The shared timer stays armed: it fires at most once per duration and re-arms for the
      // new head then, which is cheaper than clearing and re-arming on every settle.
    } else if (context.timer) {
      context.timer.clear();
      context.timer = undefined;
      this.individuallyTimed--;
    }
  }

  private expireDue(): void {
    this.timer = undefined;
    const now = this.clock.now();
    for (let node = this.head; node && node.deadline <= now; node = this.head) {
      this.untrack(node);
      this.expire(node, now);
    }
    const head = this.head;
    if (head && !this.timer) this.timer = this.clock.setTimeout(this.onTimer, head.deadline - now);
  }

  private expire(context: TimedContext, now: number): void {
    const budget = context.deadline - context.startedAt;
    context.abort(new TimeoutError(budget, context.deadline));
    if (this.timeoutEmitter.hasListeners)
      this.timeoutEmitter.emit({
        timeoutMs: budget,
        elapsedMs: now - context.startedAt,
        deadline: context.deadline,
        attempt: context.attempt,
      });
  }
}

/**
 * Builds a {@link TimeoutPolicy} that limits each call to `durationMs` milliseconds (and never
 * beyond the deadline of the context it runs in).
 *
 * @param durationMs the limit, in milliseconds, greater than 0 (`Infinity` to only enforce the parent's deadline).
 * @example
 * ```ts
 * import { timeout } from '@keel/core/timeout';
 * const policy = timeout(500, { mode: 'aggressive' });
 * policy.onTimeout(({ elapsedMs }) => console.log(`gave up after ${elapsedMs} ms`));
 * await policy.execute(async ({ signal }) => fetch('https://example.com', { signal }));
 * ```
 * @category Timeout
 */
export function timeout(durationMs: number, options?: TimeoutOptions): TimeoutPolicy {
  return new TimeoutPolicy(durationMs, options);
}

function checkClock(field: string, value: unknown): Clock {
  if (value === undefined) return systemClock;
  const clock = check.object<Clock>(field, value);
  if (typeof clock?.now !== 'function' || typeof clock.setTimeout !== 'function')
    throw new InvalidOptionError(field, value, 'a Clock (now and setTimeout)');
  return clock;
}
