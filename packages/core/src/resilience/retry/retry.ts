import type { Clock } from '../../clock/index.js';
import { systemClock } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import type { Event } from '../../events/index.js';
import { EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import type { ExecuteContext, ExecuteOptions, Policy, PolicyFunction } from '../../policy/index.js';
import { contextFrom, ForwardContext, linkableSignalOf } from '../../policy/index.js';
import { isNativePromise } from '../../policy/native-promise.js';
import type { Random } from '../../random/index.js';
import { systemRandom } from '../../random/index.js';
import { sleep } from '../../signal/index.js';
import type { Backoff, BackoffState } from './backoff/backoff.js';
import { exponential } from './backoff/exponential.js';
import { RetryAfterExceedsDeadlineError } from './errors.js';
import type { RetryBudget } from './retry-budget.js';

/**
 * How one attempt ended: it threw `error`, or it returned a `result` that `handleResult` asked
 * to retry.
 * @example
 * ```ts
 * import { type RetryOutcome, retry } from '@keel/core/retry';
 * const describe = (outcome: RetryOutcome) => (outcome.kind === 'error' ? String(outcome.error) : 'a result');
 * const policy = retry();
 * policy.onRetry(({ outcome }) => console.log(describe(outcome)));
 * ```
 * @category Retry
 */
export type RetryOutcome =
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'result'; readonly result: unknown };

/**
 * Why a {@link RetryPolicy} stopped retrying a handled failure.
 *
 * - `'exhausted'`: `maxRetries` retries were made.
 * - `'deadline'`: the deadline has passed, or the next wait (plus `minAttemptTimeMs`) would reach it.
 * - `'budget'`: the {@link RetryBudget} had no token left.
 * - `'aborted'`: the caller's signal aborted.
 * - `'retry-after'`: the server's Retry-After would end past the deadline.
 * @example
 * ```ts
 * import { retry } from '@keel/core/retry';
 * const policy = retry();
 * policy.onGiveUp(({ reason, attempts }) => {
 *   if (reason === 'budget') console.log(`retry budget spent after ${attempts} attempts`);
 * });
 * ```
 * @category Retry
 */
export type GiveUpReason = 'exhausted' | 'deadline' | 'budget' | 'aborted' | 'retry-after';

/**
 * Options of {@link retry}.
 * @example
 * ```ts
 * import { constant, retry } from '@keel/core/retry';
 * const policy = retry({ maxRetries: 5, backoff: constant({ delay: 50 }), handleError: (e) => !(e instanceof TypeError) });
 * ```
 * @category Retry
 */
export interface RetryOptions {
  /**
   * Retries after the first attempt, so at most `maxRetries + 1` calls. `Infinity` retries
   * until success, the deadline, the budget or the caller's signal stops it.
   * @default 3
   */
  readonly maxRetries?: number;
  /**
   * How long to wait before each retry.
   * @default exponential({ initialDelay: 100, maxDelay: 30_000, jitter: 'full' })
   */
  readonly backoff?: Backoff;
  /**
   * Whether an error should be retried; `attempt` is the attempt that threw (1 for the first).
   * Errors it declines are rethrown at once.
   * @default every error
   */
  readonly handleError?: (error: unknown, attempt: number) => boolean;
  /**
   * Whether a returned value should be retried, such as an HTTP 503 response.
   * @default no result is retried
   */
  readonly handleResult?: (result: unknown, attempt: number) => boolean;
  /**
   * Reads a server-requested wait (milliseconds) from a failed outcome, typically a
   * `Retry-After` header through {@link parseRetryAfter}. The policy waits the longer of this and
   * the backoff.
   * @default none
   */
  readonly retryAfter?: (outcome: RetryOutcome) => number | undefined;
  /**
   * The longest server-requested wait honoured, in milliseconds; longer requests are cut to it.
   * @default 60000
   */
  readonly maxRetryAfterMs?: number;
  /**
   * Time an attempt needs to be worth starting, in milliseconds: a retry is skipped when the
   * wait plus this would reach the deadline.
   * @default 0
   */
  readonly minAttemptTimeMs?: number;
  /**
   * A budget shared with the other policies calling the same downstream service.
   * @default none
   */
  readonly budget?: RetryBudget;
  /**
   * The clock waits are measured on.
   * @default systemClock
   */
  readonly clock?: Clock;
  /**
   * The source of jitter.
   * @default systemRandom
   */
  readonly random?: Random;
}

/**
 * The defaults of {@link RetryOptions}.
 * @example
 * ```ts
 * import { DEFAULT_RETRY_OPTIONS } from '@keel/core/retry';
 * console.log(DEFAULT_RETRY_OPTIONS.maxRetries); // 3
 * ```
 * @category Retry
 */
export const DEFAULT_RETRY_OPTIONS = {
  maxRetries: 3,
  maxRetryAfterMs: 60_000,
  minAttemptTimeMs: 0,
} as const satisfies RetryOptions;

/**
 * Emitted by {@link RetryPolicy.onRetry} before each wait.
 * @example
 * ```ts
 * import { retry } from '@keel/core/retry';
 * retry().onRetry(({ attempt, delay, fromRetryAfter }) => console.log(attempt, delay, fromRetryAfter));
 * ```
 * @category Retry
 */
export interface RetryEvent {
  /** The attempt that failed (1 for the first); the next one is `attempt + 1`. */
  readonly attempt: number;
  /** Milliseconds the policy is about to wait. */
  readonly delay: number;
  /** True when the wait came from `retryAfter` rather than the backoff. */
  readonly fromRetryAfter: boolean;
  /** How the attempt ended. */
  readonly outcome: RetryOutcome;
}

/**
 * Emitted by {@link RetryPolicy.onGiveUp} when a handled failure is passed to the caller.
 * @example
 * ```ts
 * import { retry } from '@keel/core/retry';
 * retry().onGiveUp(({ attempts, reason }) => console.log(`gave up after ${attempts} attempts: ${reason}`));
 * ```
 * @category Retry
 */
export interface GiveUpEvent {
  /** Attempts made. */
  readonly attempts: number;
  /** Why retrying stopped. */
  readonly reason: GiveUpReason;
  /** How the last attempt ended. */
  readonly outcome: RetryOutcome;
}

/**
 * Emitted by {@link RetryPolicy.onSuccess}.
 * @example
 * ```ts
 * import { retry } from '@keel/core/retry';
 * retry().onSuccess(({ attempts }) => console.log(`succeeded on attempt ${attempts}`));
 * ```
 * @category Retry
 */
export interface RetrySuccessEvent {
  /** Attempts it took, 1 when the first succeeded. */
  readonly attempts: number;
}

/**
 * Emitted by {@link RetryPolicy.onBudgetExhausted}.
 * @example
 * ```ts
 * import { retry, RetryBudget } from '@keel/core/retry';
 * retry({ budget: new RetryBudget() }).onBudgetExhausted(({ attempt }) => console.log(`no budget after attempt ${attempt}`));
 * ```
 * @category Retry
 */
export interface BudgetExhaustedEvent {
  /** The attempt that failed and could not be retried. */
  readonly attempt: number;
  /** How it ended. */
  readonly outcome: RetryOutcome;
}

/**
 * Runs a function again when it fails, waiting a backoff between attempts. Built by
 * {@link retry}.
 *
 * What the caller gets when retrying stops: the last error, rethrown as it is, or the last
 * result, returned as it is, so code that inspects errors works the same with or without the
 * policy. (The one exception is {@link RetryAfterExceedsDeadlineError}, see `retryAfter`.) Why it
 * stopped and after how many attempts is reported by {@link RetryPolicy.onGiveUp}.
 *
 * It never retries once the caller's signal has aborted, nor once the deadline has passed; a
 * `TimeoutError` from a per-attempt timeout inside the retry is retried like any error, while
 * one caused by the outer deadline is not, because that deadline has then passed. Waits are
 * interrupted by the caller's signal, rejecting with its reason.
 *
 * Each attempt runs in a context with the same signal and deadline and `attempt` counting from 1.
 * The first attempt reads no signal and allocates nothing the call does not need.
 *
 * @example
 * ```ts
 * import { retry, exponential } from '@keel/core/retry';
 * const policy = retry({ maxRetries: 4, backoff: exponential({ initialDelay: 200, jitter: 'full' }) });
 * policy.onRetry(({ attempt, delay }) => console.log(`attempt ${attempt} failed, retrying in ${delay} ms`));
 * const body = await policy.execute(async ({ signal }) => (await fetch('https://example.com', { signal })).text());
 * ```
 * @category Retry
 */
export class RetryPolicy implements Policy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** The backoff strategy. */
  readonly backoff: Backoff;
  /** The shared retry budget, if any. */
  readonly budget: RetryBudget | undefined;

  private readonly handleError: ((error: unknown, attempt: number) => boolean) | undefined;
  private readonly handleResult: ((result: unknown, attempt: number) => boolean) | undefined;
  private readonly retryAfter: ((outcome: RetryOutcome) => number | undefined) | undefined;
  private readonly maxRetryAfterMs: number;
  private readonly minAttemptTimeMs: number;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly retryEmitter = new EventEmitter<RetryEvent>();
  private readonly giveUpEmitter = new EventEmitter<GiveUpEvent>();
  private readonly successEmitter = new EventEmitter<RetrySuccessEvent>();
  private readonly budgetEmitter = new EventEmitter<BudgetExhaustedEvent>();

  /** Fires before each wait. */
  readonly onRetry: Event<RetryEvent> = this.retryEmitter.event;
  /** Fires when a handled failure is passed to the caller. */
  readonly onGiveUp: Event<GiveUpEvent> = this.giveUpEmitter.event;
  /** Fires when an attempt succeeds. */
  readonly onSuccess: Event<RetrySuccessEvent> = this.successEmitter.event;
  /** Fires when a retry is refused because the budget is spent (before the matching onGiveUp). */
  readonly onBudgetExhausted: Event<BudgetExhaustedEvent> = this.budgetEmitter.event;

  constructor(options: RetryOptions = {}) {
    check.object('options', options);
    checkKnownKeys('retry', options, [
      'maxRetries',
      'backoff',
      'handleError',
      'handleResult',
      'retryAfter',
      'maxRetryAfterMs',
      'minAttemptTimeMs',
      'budget',
      'clock',
      'random',
    ]);
    this.maxRetries = check.integer('maxRetries', options.maxRetries, DEFAULT_RETRY_OPTIONS.maxRetries, {
      min: 0,
      allowInfinity: true,
    });
    this.backoff =
      options.backoff === undefined
        ? defaultBackoff()
        : checkShape<Backoff>('backoff', options.backoff, ['next'], 'a Backoff');
    this.handleError = check.func('handleError', options.handleError);
    this.handleResult = check.func('handleResult', options.handleResult);
    this.retryAfter = check.func('retryAfter', options.retryAfter);
    this.maxRetryAfterMs = check.duration(
      'maxRetryAfterMs',
      options.maxRetryAfterMs,
      DEFAULT_RETRY_OPTIONS.maxRetryAfterMs,
      { allowInfinity: true },
    );
    this.minAttemptTimeMs = check.duration(
      'minAttemptTimeMs',
      options.minAttemptTimeMs,
      DEFAULT_RETRY_OPTIONS.minAttemptTimeMs,
    );
    this.budget =
      options.budget === undefined
        ? undefined
        : checkShape<RetryBudget>(
            'budget',
            options.budget,
            ['recordRequest', 'tryAcquireRetry'],
            'a RetryBudget',
          );
    this.clock =
      options.clock === undefined
        ? systemClock
        : checkShape<Clock>('clock', options.clock, ['now', 'setTimeout'], 'a Clock (now and setTimeout)');
    this.random =
      options.random === undefined
        ? systemRandom
        : checkShape<Random>('random', options.random, ['next'], 'a Random');
  }

  execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions | ExecuteContext): Promise<T> {
    const parent = contextFrom(options);
    this.budget?.recordRequest();
    let returned: T | PromiseLike<T>;
    try {
      returned = fn(parent.attempt === 1 ? parent : new ForwardContext(parent, parent.deadline, 1));
    } catch (error) {
      return this.firstThrew(fn, parent, error);
    }
    if (!isNativePromise(returned)) return this.awaitFirst(fn, parent, returned);
    // A built-in promise: `then` runs the handlers on the turn `await` would resume on, without
    // an async frame. Success needs no per-call state unless results are inspected.
    const onError = (error: unknown): Promise<T> =>
      this.retryAfterFailure(fn, parent, { kind: 'error', error });
    if (this.handleResult === undefined)
      return returned.then(this.firstSucceeded as (result: T) => T, onError);
    return returned.then((result) => this.firstResult(fn, parent, result), onError);
  }

  /** Attempt 1 returned `result`, unless `handleResult` calls it a failure. */
  private firstResult<T>(fn: PolicyFunction<T>, parent: ExecuteContext, result: T): T | Promise<T> {
    if (this.handleResult?.(result, 1)) return this.retryAfterFailure(fn, parent, { kind: 'result', result });
    if (this.successEmitter.hasListeners) this.successEmitter.emit({ attempts: 1 });
    return result;
  }

  private readonly firstSucceeded = (result: unknown): unknown => {
    if (this.successEmitter.hasListeners) this.successEmitter.emit({ attempts: 1 });
    return result;
  };

  /** Attempt 1 threw synchronously (an async function, so the caller waits as many turns as before). */
  private async firstThrew<T>(fn: PolicyFunction<T>, parent: ExecuteContext, error: unknown): Promise<T> {
    return this.retryAfterFailure(fn, parent, { kind: 'error', error });
  }

  /** Attempt 1 returned a plain value or a foreign thenable: adopt it with `await`. */
  private async awaitFirst<T>(
    fn: PolicyFunction<T>,
    parent: ExecuteContext,
    returned: T | PromiseLike<T>,
  ): Promise<T> {
    let result: T;
    try {
      result = await returned;
    } catch (error) {
      return this.retryAfterFailure(fn, parent, { kind: 'error', error });
    }
    return this.firstResult(fn, parent, result);
  }

  /** The slow path: attempt 1 failed; keep going until success or a reason to stop. */
  private async retryAfterFailure<T>(
    fn: PolicyFunction<T>,
    parent: ExecuteContext,
    firstOutcome: RetryOutcome,
  ): Promise<T> {
    let outcome = firstOutcome;
    const state: BackoffState = { carry: 0 };
    let previousDelay = 0;
    for (let attempt = 1; ; attempt++) {
      if (outcome.kind === 'error' && this.handleError && !this.handleError(outcome.error, attempt))
        throw outcome.error;
      // Undefined when nothing can abort the call: no signal is created just to be checked.
      const signal = linkableSignalOf(parent);
      if (signal?.aborted) return this.giveUp(attempt, 'aborted', outcome);
      if (attempt > this.maxRetries) return this.giveUp(attempt, 'exhausted', outcome);
      const now = this.clock.now();
      const remaining = parent.deadline - now;
      if (remaining <= 0) return this.giveUp(attempt, 'deadline', outcome);

      let delay = this.backoff.next(attempt, previousDelay, this.random, state);
      if (!(delay >= 0)) delay = 0;
      let fromRetryAfter = false;
      const asked = this.retryAfter?.(outcome);
      if (typeof asked === 'number' && asked >= 0) {
        const honoured = Math.min(asked, this.maxRetryAfterMs);
        if (honoured > delay) {
          delay = honoured;
          fromRetryAfter = true;
        }
      }
      if (delay + this.minAttemptTimeMs >= remaining) {
        if (fromRetryAfter) {
          this.emitGiveUp(attempt, 'retry-after', outcome);
          throw new RetryAfterExceedsDeadlineError(delay, remaining, attempt, outcome);
        }
        return this.giveUp(attempt, 'deadline', outcome);
      }
      if (this.budget && !this.budget.tryAcquireRetry()) {
        if (this.budgetEmitter.hasListeners) this.budgetEmitter.emit({ attempt, outcome });
        return this.giveUp(attempt, 'budget', outcome);
      }

      if (this.retryEmitter.hasListeners) this.retryEmitter.emit({ attempt, delay, fromRetryAfter, outcome });
      if (delay > 0) {
        try {
          await sleep(this.clock, delay, signal);
        } catch (error) {
          this.emitGiveUp(attempt, 'aborted', outcome);
          throw error;
        }
      }
      previousDelay = delay;

      const next = attempt + 1;
      let result: T;
      try {
        result = await fn(new ForwardContext(parent, parent.deadline, next));
      } catch (error) {
        outcome = { kind: 'error', error };
        continue;
      }
      if (this.handleResult?.(result, next)) {
        outcome = { kind: 'result', result };
        continue;
      }
      if (this.successEmitter.hasListeners) this.successEmitter.emit({ attempts: next });
      return result;
    }
  }

  /** Hands the last outcome to the caller as it is: the error rethrown, the result returned. */
  private giveUp<T>(attempts: number, reason: GiveUpReason, outcome: RetryOutcome): T {
    this.emitGiveUp(attempts, reason, outcome);
    if (outcome.kind === 'error') throw outcome.error;
    return outcome.result as T;
  }

  private emitGiveUp(attempts: number, reason: GiveUpReason, outcome: RetryOutcome): void {
    if (this.giveUpEmitter.hasListeners) this.giveUpEmitter.emit({ attempts, reason, outcome });
  }
}

/**
 * Builds a {@link RetryPolicy}. With no options it retries every error up to 3 times, waiting an
 * exponential backoff with full jitter (100 ms base, 30 s cap).
 *
 * @example
 * ```ts
 * import { parseRetryAfter, retry } from '@keel/core/retry';
 * const policy = retry({
 *   handleResult: (response) => (response as Response).status === 503,
 *   retryAfter: (outcome) =>
 *     outcome.kind === 'result'
 *       ? parseRetryAfter((outcome.result as Response).headers.get('retry-after'), Date.now())
 *       : undefined,
 * });
 * const response = await policy.execute(({ signal }) => fetch('https://example.com', { signal }));
 * ```
 * @category Retry
 */
export function retry(options?: RetryOptions): RetryPolicy {
  return new RetryPolicy(options);
}

let sharedDefaultBackoff: Backoff | undefined;
function defaultBackoff(): Backoff {
  sharedDefaultBackoff ??= exponential();
  return sharedDefaultBackoff;
}

function checkShape<T>(field: string, value: unknown, methods: readonly string[], expected: string): T {
  if (
    typeof value !== 'object' ||
    value === null ||
    methods.some((method) => typeof (value as Record<string, unknown>)[method] !== 'function')
  )
    throw new InvalidOptionError(field, value, expected);
  return value as T;
}
