import type { Clock, TimerHandle } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import {
  AbortableContext,
  contextFrom,
  type ExecuteContext,
  type ExecuteOptions,
  type Policy,
  type PolicyFunction,
} from '../../policy/index.js';
import { abortError } from '../../signal/index.js';
import { checkClock, HedgingBudget, type HedgingBudgetOptions } from './budget.js';
import { HedgeLostError } from './errors.js';
import { LatencyWindow } from './latency-window.js';

/**
 * A hedge delay that follows observed latency: the given percentile of recent successful
 * attempts, so only the slowest calls are hedged. Samples are the latencies of winning
 * attempts, each timed from its own launch; losers are cut short (their latency is unknown) and
 * failures are often fast, so neither is counted.
 * @example
 * ```ts
 * import { hedging, type HedgingPercentileDelay } from '@keel/core/hedging';
 * const p95: HedgingPercentileDelay = { percentile: 0.95, windowSize: 200, minSamples: 50 };
 * console.log(hedging({ delay: p95 }).currentDelay()); // 2000 until 50 samples are in
 * ```
 * @category Resilience
 */
export interface HedgingPercentileDelay {
  /** Which percentile of recent latencies to wait, in (0, 1] (0.95 hedges the slowest 5 %). */
  readonly percentile: number;
  /** How many recent successful attempts to remember. @default 100 */
  readonly windowSize?: number;
  /** Samples needed before the percentile is trusted (at most `windowSize`). @default 20 */
  readonly minSamples?: number;
  /** Delay used until `minSamples` have been seen. @default 2000 */
  readonly initialDelayMs?: number;
  /** Lower bound on the computed delay. @default 0 */
  readonly minDelayMs?: number;
}

/**
 * Options of {@link hedging}.
 * @example
 * ```ts
 * import { hedging, type HedgingOptions } from '@keel/core/hedging';
 * const options: HedgingOptions = {
 *   maxHedgedAttempts: 2,
 *   delay: { percentile: 0.9, initialDelayMs: 300 },
 *   handleError: (error) => !(error instanceof TypeError),
 * };
 * console.log(hedging(options).currentDelay()); // 300
 * ```
 * @category Resilience
 */
export interface HedgingOptions {
  /** Extra attempts allowed beyond the primary (0 to 10). @default 1 */
  readonly maxHedgedAttempts?: number;
  /**
   * How long to wait for the attempts in flight before launching the next: a fixed number of
   * milliseconds (0 launches every attempt at once, `Infinity` hedges only on failure) or a
   * percentile of observed latency.
   * @default 2000
   */
  readonly delay?: number | HedgingPercentileDelay;
  /**
   * Whether a handled failure launches the next attempt at once, without waiting for the delay.
   * When false, failures never launch attempts: the call fails as soon as no attempt is left in
   * flight.
   * @default true
   */
  readonly hedgeOnFailure?: boolean;
  /**
   * Which errors count as a failed attempt (others decide the call at once).
   * @default every error
   */
  readonly handleError?: (error: unknown) => boolean;
  /**
   * Caps hedges to a share of calls: budget options, a {@link HedgingBudget} shared with other
   * policies, or `false` for no cap.
   * @default DEFAULT_HEDGING_BUDGET_OPTIONS (10 % of calls, 1 per second, bursts of 10)
   */
  readonly budget?: HedgingBudgetOptions | HedgingBudget | false;
  /** Time source for delays and latency. @default systemClock */
  readonly clock?: Clock;
}

/**
 * Defaults of {@link HedgingOptions} and {@link HedgingPercentileDelay}.
 * @example
 * ```ts
 * import { DEFAULT_HEDGING_OPTIONS, hedging } from '@keel/core/hedging';
 * const twiceAsEager = hedging({ delay: DEFAULT_HEDGING_OPTIONS.delay / 2 });
 * console.log(twiceAsEager.currentDelay()); // 1000
 * ```
 * @category Resilience
 */
export const DEFAULT_HEDGING_OPTIONS = Object.freeze({
  maxHedgedAttempts: 1,
  delay: 2000,
  hedgeOnFailure: true,
  windowSize: 100,
  minSamples: 20,
  minDelayMs: 0,
});

/** Polly's hedging strategy accepts 1 to 10 hedged attempts (pollydocs.org); more is a load generator. */
const MAX_HEDGED_ATTEMPTS = 10;
const KNOWN_OPTIONS = [
  'maxHedgedAttempts',
  'delay',
  'hedgeOnFailure',
  'handleError',
  'budget',
  'clock',
] as const;
const KNOWN_DELAY_OPTIONS = [
  'percentile',
  'windowSize',
  'minSamples',
  'initialDelayMs',
  'minDelayMs',
] as const;

/**
 * Emitted when a hedged attempt is launched.
 * @example
 * ```ts
 * import { hedging, type HedgeEvent } from '@keel/core/hedging';
 * const log = (event: HedgeEvent) => console.log(`hedge ${event.attempt} (${event.trigger}) after ${event.delay} ms`);
 * hedging({ delay: 50 }).onHedge(log);
 * ```
 * @category Resilience
 */
export interface HedgeEvent {
  /** The attempt being launched (2 for the first hedge). */
  readonly attempt: number;
  /** Milliseconds since the previous attempt was launched. */
  readonly delay: number;
  /** Why: the delay passed, or the previous attempt failed. */
  readonly trigger: 'delay' | 'failure';
}

/**
 * Emitted when an attempt succeeds and so decides the call.
 * @example
 * ```ts
 * import { hedging, type HedgeWinEvent } from '@keel/core/hedging';
 * let hedgeWins = 0;
 * const count = ({ attempt }: HedgeWinEvent) => { if (attempt > 1) hedgeWins++; };
 * hedging({ delay: 50 }).onWin(count);
 * console.log(hedgeWins);
 * ```
 * @category Resilience
 */
export interface HedgeWinEvent {
  /** The winning attempt (1 is the primary). */
  readonly attempt: number;
  /** How many attempts had been launched. */
  readonly launched: number;
  /** Milliseconds from the start of the call. */
  readonly durationMs: number;
}

/**
 * Emitted when a hedge was due but the budget refused it.
 * @example
 * ```ts
 * import { hedging, type HedgeBudgetExhaustedEvent } from '@keel/core/hedging';
 * const warn = ({ attempt }: HedgeBudgetExhaustedEvent) => console.warn(`hedge ${attempt} suppressed`);
 * hedging({ delay: 50, budget: { ratio: 0.05 } }).onBudgetExhausted(warn);
 * ```
 * @category Resilience
 */
export interface HedgeBudgetExhaustedEvent {
  /** The attempt that was not launched. */
  readonly attempt: number;
  /** What would have launched it. */
  readonly trigger: 'delay' | 'failure';
}

/** What a call needs from its policy; kept off the public surface. */
interface HedgingCore {
  readonly clock: Clock;
  readonly maxAttempts: number;
  readonly hedgeOnFailure: boolean;
  readonly handleError: ((error: unknown) => boolean) | undefined;
  readonly budget: HedgingBudget | undefined;
  readonly hedges: EventEmitter<HedgeEvent>;
  readonly wins: EventEmitter<HedgeWinEvent>;
  readonly refusals: EventEmitter<HedgeBudgetExhaustedEvent>;
  recordLatency(ms: number): void;
}

interface DelayRule {
  readonly percentile: number;
  readonly minSamples: number;
  readonly initialDelayMs: number;
  readonly minDelayMs: number;
  readonly window: LatencyWindow;
}

/**
 * The policy made by {@link hedging}.
 *
 * @example
 * ```ts
 * import { hedging } from '@keel/core/hedging';
 * const hedged = hedging({ delay: { percentile: 0.95 }, maxHedgedAttempts: 2 });
 * hedged.onHedge(({ attempt, delay }) => console.log(`attempt ${attempt} after ${delay} ms`));
 * hedged.onWin(({ attempt }) => console.log(`attempt ${attempt} answered`));
 * const body = await hedged.execute(async ({ signal }) => (await fetch('https://example.com', { signal })).text());
 * console.log(body.length);
 * ```
 * @category Resilience
 */
export class HedgingPolicy implements Policy {
  private readonly core: HedgingCore;
  /** Fires when a hedged attempt launches. */
  readonly onHedge: Event<HedgeEvent>;
  /** Fires when an attempt succeeds first. */
  readonly onWin: Event<HedgeWinEvent>;
  /** Fires when the budget suppresses a hedge. */
  readonly onBudgetExhausted: Event<HedgeBudgetExhaustedEvent>;
  private readonly fixedDelay: number;
  private readonly rule: DelayRule | undefined;

  /** Prefer {@link hedging}. */
  constructor(options: HedgingOptions = {}) {
    check.object('options', options);
    checkKnownKeys('hedging', options, KNOWN_OPTIONS);
    const maxHedgedAttempts = check.integer(
      'maxHedgedAttempts',
      options.maxHedgedAttempts,
      DEFAULT_HEDGING_OPTIONS.maxHedgedAttempts,
      { min: 0, max: MAX_HEDGED_ATTEMPTS },
    );
    const clock = checkClock('clock', options.clock);
    const budget = options.budget;
    this.core = {
      clock,
      maxAttempts: 1 + maxHedgedAttempts,
      hedgeOnFailure: check.boolean(
        'hedgeOnFailure',
        options.hedgeOnFailure,
        DEFAULT_HEDGING_OPTIONS.hedgeOnFailure,
      ),
      handleError: check.func('handleError', options.handleError),
      budget:
        budget === false
          ? undefined
          : budget instanceof HedgingBudget
            ? budget
            : new HedgingBudget({ clock, ...(check.object('budget', budget) ?? {}) }),
      hedges: new EventEmitter<HedgeEvent>(),
      wins: new EventEmitter<HedgeWinEvent>(),
      refusals: new EventEmitter<HedgeBudgetExhaustedEvent>(),
      recordLatency: (ms) => this.rule?.window.add(ms),
    };
    this.onHedge = this.core.hedges.event;
    this.onWin = this.core.wins.event;
    this.onBudgetExhausted = this.core.refusals.event;

    const delay = options.delay;
    if (delay === undefined || typeof delay === 'number') {
      this.fixedDelay = check.duration('delay', delay, DEFAULT_HEDGING_OPTIONS.delay, {
        allowInfinity: true,
      });
      this.rule = undefined;
    } else if (typeof delay === 'object' && delay !== null) {
      this.fixedDelay = Number.NaN;
      this.rule = checkDelayRule(delay);
    } else {
      throw new InvalidOptionError('delay', delay, 'milliseconds or { percentile }');
    }
  }

  /**
   * The delay the next call would wait before hedging: the fixed delay, or the configured
   * percentile of recent latency (the initial delay until enough samples exist).
   */
  currentDelay(): number {
    const rule = this.rule;
    if (!rule) return this.fixedDelay;
    if (rule.window.count < rule.minSamples) return rule.initialDelayMs;
    return Math.max(rule.minDelayMs, rule.window.percentile(rule.percentile));
  }

  /**
   * Runs `fn`, launching further attempts after the delay (or on failure) up to the limit.
   * Resolves with the first success, rejecting with the last failure when every attempt failed.
   * Each attempt gets its own context (`attempt` 1..n); when the call is decided the others are
   * aborted with a {@link HedgeLostError}, and the caller's abort cancels them all with its reason.
   */
  execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions | ExecuteContext): Promise<T> {
    const parent = contextFrom(options);
    return new Promise<T>((resolve, reject) => {
      new HedgedCall<T>(this.core, this.currentDelay(), fn, parent, resolve, reject).start();
    });
  }
}

function checkDelayRule(delay: HedgingPercentileDelay): DelayRule {
  checkKnownKeys('delay', delay, KNOWN_DELAY_OPTIONS);
  const percentile = check.number('delay.percentile', delay.percentile, Number.NaN, { above: 0, max: 1 });
  const windowSize = check.integer('delay.windowSize', delay.windowSize, DEFAULT_HEDGING_OPTIONS.windowSize, {
    min: 1,
  });
  const minSamples = check.integer(
    'delay.minSamples',
    delay.minSamples,
    Math.min(DEFAULT_HEDGING_OPTIONS.minSamples, windowSize),
    { min: 1, max: windowSize },
  );
  const initialDelayMs = check.duration(
    'delay.initialDelayMs',
    delay.initialDelayMs,
    DEFAULT_HEDGING_OPTIONS.delay,
    {
      allowInfinity: true,
    },
  );
  const minDelayMs = check.duration('delay.minDelayMs', delay.minDelayMs, DEFAULT_HEDGING_OPTIONS.minDelayMs);
  return { percentile, minSamples, initialDelayMs, minDelayMs, window: new LatencyWindow(windowSize) };
}

/** The state of one hedged call: its attempts, the hedge timer and the outcome. */
class HedgedCall<T> {
  private readonly attempts: AbortableContext[] = [];
  private readonly running: boolean[] = [];
  private inFlight = 0;
  private settled = false;
  private timer: TimerHandle | undefined;
  private parentSignal: AbortSignal | undefined;
  private readonly startedAt: number;
  private lastLaunchAt: number;

  constructor(
    private readonly core: HedgingCore,
    private readonly delay: number,
    private readonly fn: PolicyFunction<T>,
    private readonly parent: ExecuteContext,
    private readonly resolve: (value: T) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.startedAt = core.clock.now();
    this.lastLaunchAt = this.startedAt;
  }

  start(): void {
    this.core.budget?.deposit();
    this.launch();
    if (this.delay === 0) {
      while (!this.settled && this.tryHedge('delay')) {}
      return;
    }
    this.arm();
  }

  private launch(): void {
    const attempt = this.attempts.length + 1;
    const context = new AbortableContext(this.parent, this.parent.deadline, attempt);
    this.attempts.push(context);
    this.running.push(true);
    this.inFlight++;
    const launchedAt = this.core.clock.now();
    this.lastLaunchAt = launchedAt;
    let result: T | PromiseLike<T>;
    try {
      result = this.fn(context);
    } catch (error) {
      this.failed(context, error);
      return;
    }
    if (isThenable(result)) {
      Promise.resolve(result).then(
        (value) => this.succeeded(context, value, launchedAt),
        (error: unknown) => this.failed(context, error),
      );
    } else {
      this.succeeded(context, result, launchedAt);
    }
  }

  /** Launches the next attempt if the limit, the deadline and the budget allow. */
  private tryHedge(trigger: 'delay' | 'failure'): boolean {
    const attempt = this.attempts.length + 1;
    if (attempt > this.core.maxAttempts) return false;
    const now = this.core.clock.now();
    if (now >= this.parent.deadline) return false;
    // From the first hedge on, this call itself must react to the caller's abort.
    if (!this.watchParent()) return false;
    if (this.core.budget && !this.core.budget.tryWithdraw()) {
      this.core.refusals.emit({ attempt, trigger });
      return false;
    }
    this.core.hedges.emit({ attempt, delay: now - this.lastLaunchAt, trigger });
    this.launch();
    return true;
  }

  private arm(): void {
    if (this.settled || this.attempts.length >= this.core.maxAttempts) return;
    const delay = this.delay;
    if (delay === Number.POSITIVE_INFINITY) return;
    // A hedge that could only start after the deadline would be wasted work.
    if (this.core.clock.now() + delay >= this.parent.deadline) return;
    this.timer = this.core.clock.setTimeout(this.onTimer, delay);
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    if (this.settled) return;
    if (this.tryHedge('delay')) this.arm();
  };

  /** Subscribes to the caller's abort; false (after settling) when it already happened. */
  private watchParent(): boolean {
    if (this.parentSignal) return true;
    const signal = this.parent.signal;
    if (signal.aborted) {
      this.cancel(signal);
      return false;
    }
    this.parentSignal = signal;
    signal.addEventListener('abort', this.onParentAbort);
    return true;
  }

  private readonly onParentAbort = (): void => {
    if (!this.settled && this.parentSignal) this.cancel(this.parentSignal);
  };

  private succeeded(context: AbortableContext, value: T, launchedAt: number): void {
    this.finishAttempt(context);
    if (this.settled) return;
    const now = this.core.clock.now();
    this.core.recordLatency(now - launchedAt);
    this.settle(context.attempt);
    this.core.wins.emit({
      attempt: context.attempt,
      launched: this.attempts.length,
      durationMs: now - this.startedAt,
    });
    this.resolve(value);
  }

  private failed(context: AbortableContext, error: unknown): void {
    this.finishAttempt(context);
    if (this.settled) return;
    // A failure caused by the caller cancelling ends the call with the caller's reason.
    const signal = this.parent.signal;
    if (signal.aborted) {
      this.cancel(signal);
      return;
    }
    let handled = true;
    let final = error;
    try {
      if (this.core.handleError) handled = this.core.handleError(error);
    } catch (predicateError) {
      // A throwing predicate must not leave the call hanging: its error decides the call.
      handled = false;
      final = predicateError;
    }
    if (!handled) {
      this.settle(context.attempt);
      this.reject(final);
      return;
    }
    if (this.core.hedgeOnFailure && this.tryHedge('failure')) {
      if (this.settled) return;
      // The delay for the next hedge counts from the attempt just launched.
      this.timer?.clear();
      this.timer = undefined;
      this.arm();
      return;
    }
    if (this.settled) return;
    if (this.inFlight === 0) {
      this.settle(context.attempt);
      this.reject(error);
    }
  }

  private finishAttempt(context: AbortableContext): void {
    const index = context.attempt - 1;
    if (this.running[index]) {
      this.running[index] = false;
      this.inFlight--;
    }
    context.release();
  }

  /** Marks the call decided by `decider`, stops the timer and abandons the other attempts. */
  private settle(decider: number): void {
    this.settled = true;
    this.cleanUp();
    for (let i = 0; i < this.attempts.length; i++) {
      if (this.running[i]) this.attempts[i]!.abort(new HedgeLostError(i + 1, decider));
    }
  }

  /** Ends the call because the caller aborted: every attempt gets the caller's reason. */
  private cancel(signal: AbortSignal): void {
    this.settled = true;
    this.cleanUp();
    for (let i = 0; i < this.attempts.length; i++) {
      if (this.running[i]) this.attempts[i]!.abort(signal.reason);
    }
    this.reject(abortError(signal));
  }

  private cleanUp(): void {
    this.timer?.clear();
    this.timer = undefined;
    this.parentSignal?.removeEventListener('abort', this.onParentAbort);
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<T>).then === 'function'
  );
}

/**
 * A policy that races extra attempts against a slow one: after `delay` (fixed, or a percentile
 * of observed latency) with no answer, it launches another attempt, up to `maxHedgedAttempts`;
 * a handled failure launches the next one at once. The first success wins and the others are
 * aborted with a {@link HedgeLostError}; if every attempt fails the last failure is thrown.
 * A {@link HedgingBudget} keeps the extra load to a share of calls. Only hedge idempotent work.
 *
 * @example
 * ```ts
 * import { hedging } from '@keel/core/hedging';
 * const hedged = hedging({ delay: 100, maxHedgedAttempts: 1, budget: { ratio: 0.05 } });
 * hedged.onBudgetExhausted(() => console.warn('hedge suppressed by the budget'));
 * const status = await hedged.execute(async ({ signal, attempt }) => {
 *   const response = await fetch(`https://example.com/?try=${attempt}`, { signal });
 *   return response.status;
 * });
 * console.log(status);
 * ```
 * @category Resilience
 */
export function hedging(options?: HedgingOptions): HedgingPolicy {
  return new HedgingPolicy(options);
}
