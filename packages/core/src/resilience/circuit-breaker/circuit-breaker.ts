import type { Clock } from '../../clock/index.js';
import { systemClock } from '../../clock/index.js';
import { InvalidOptionError, isAbortedError } from '../../errors/index.js';
import { type Disposable, type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import {
  contextFrom,
  type ExecuteContext,
  type ExecuteOptions,
  type Policy,
  type PolicyFunction,
} from '../../policy/index.js';
import type { BreakDurationGenerator } from './break-duration.js';
import { ConsecutiveFailures } from './breaker/consecutive.js';
import type { TripMetrics, TripPolicy } from './breaker/trip-policy.js';
import { BrokenCircuitError, IsolatedCircuitError } from './errors.js';
import type { Outcome } from './outcome.js';
import { type CircuitBreakerSnapshot, parseCircuitSnapshot } from './snapshot.js';
import type {
  BreakEvent,
  CircuitState,
  CircuitStateKind,
  FailureEvent,
  RejectEvent,
  StateChangeEvent,
  SuccessEvent,
  TransitionEvent,
  TransitionReason,
} from './state.js';

/**
 * Options of {@link circuitBreaker}.
 * @example
 * ```ts
 * import { circuitBreaker, type CircuitBreakerOptions } from '@keel/core/circuit-breaker';
 * const options: CircuitBreakerOptions = { breakDurationMs: 10_000, halfOpenPermits: 2 };
 * const breaker = circuitBreaker(options);
 * ```
 * @category Circuit breaker
 */
export interface CircuitBreakerOptions {
  /**
   * Decides when the closed circuit opens: {@link consecutiveFailures}, {@link countWindow},
   * {@link timeWindow} or your own {@link TripPolicy}. One policy instance per circuit.
   * @default consecutiveFailures(5)
   */
  readonly breaker?: TripPolicy;
  /** How long the circuit stays open before a probe is let through. @default 5000 */
  readonly breakDurationMs?: number;
  /**
   * Computes the break from the number of consecutive openings (see {@link exponentialBreakDuration});
   * overrides `breakDurationMs`, which remains the fallback for a result that is not a number >= 0.
   * @default undefined
   */
  readonly breakDuration?: BreakDurationGenerator;
  /** Probes allowed in flight at once while half-open. @default 1 */
  readonly halfOpenPermits?: number;
  /**
   * Probe successes that close a half-open circuit. A successful probe frees its permit for the
   * next one, so this may exceed `halfOpenPermits`.
   * @default halfOpenPermits
   */
  readonly successThreshold?: number;
  /**
   * Longest time a half-open circuit waits on its probes while every permit is taken; after it,
   * the next call reopens the circuit (so a probe that never settles cannot wedge it half-open).
   * @default Infinity
   */
  readonly halfOpenMaxDurationMs?: number;
  /**
   * Whether a thrown error counts as a failure. An error it rejects is rethrown but not counted.
   * @default every error except cancellations (`AbortedError` and errors named `AbortError`)
   */
  readonly handleError?: (error: unknown) => boolean;
  /** Whether a returned value counts as a failure (the value is still returned). @default undefined (none does) */
  readonly handleResult?: (result: unknown) => boolean;
  /** Source of time for breaks and durations. @default systemClock */
  readonly clock?: Clock;
  /** A snapshot from `toJSON()` to start from (see {@link CircuitBreakerSnapshot}). @default undefined */
  readonly hydrate?: CircuitBreakerSnapshot;
}

/**
 * Counts every error except cancellations: the caller giving up says nothing about the
 * dependency's health. A `TimeoutError` does count.
 * @example
 * ```ts
 * import { defaultHandleError } from '@keel/core/circuit-breaker';
 * console.log(defaultHandleError(new Error('503'))); // true
 * ```
 * @category Circuit breaker
 */
export function defaultHandleError(error: unknown): boolean {
  if (isAbortedError(error)) return false;
  return !(
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'AbortError'
  );
}

/**
 * Defaults of {@link circuitBreaker}. The 5 s break is Polly v8's default (resilience4j waits
 * 60 s, opossum 30 s); one half-open probe is the Polly, cockatiel and opossum behaviour
 * (resilience4j permits 10).
 * @example
 * ```ts
 * import { DEFAULT_CIRCUIT_BREAKER_OPTIONS } from '@keel/core/circuit-breaker';
 * console.log(DEFAULT_CIRCUIT_BREAKER_OPTIONS.breakDurationMs); // 5000
 * ```
 * @category Circuit breaker
 */
export const DEFAULT_CIRCUIT_BREAKER_OPTIONS = {
  breakDurationMs: 5_000,
  halfOpenPermits: 1,
  halfOpenMaxDurationMs: Number.POSITIVE_INFINITY,
  handleError: defaultHandleError,
} as const;

const KNOWN_OPTIONS: readonly string[] = [
  'breaker',
  'breakDurationMs',
  'breakDuration',
  'halfOpenPermits',
  'successThreshold',
  'halfOpenMaxDurationMs',
  'handleError',
  'handleResult',
  'clock',
  'hydrate',
];

// State codes: small integers keep the hot path to one comparison.
const CLOSED = 0;
const OPEN = 1;
const HALF_OPEN = 2;
const ISOLATED = 3;
const KINDS: readonly CircuitStateKind[] = ['closed', 'open', 'half-open', 'isolated'];

// What admission returns instead of a generation when the call is refused.
const REJECTED_OPEN = -1;
const REJECTED_HALF_OPEN = -2;
const REJECTED_ISOLATED = -3;

// A trip policy holds one circuit's counters; sharing it would mix two circuits' calls.
// A WeakSet remembers owners without keeping any circuit alive.
const claimedPolicies = new WeakSet<TripPolicy>();

class CircuitEvents {
  readonly stateChange = new EventEmitter<StateChangeEvent>();
  readonly break = new EventEmitter<BreakEvent>();
  readonly reset = new EventEmitter<TransitionEvent>();
  readonly halfOpen = new EventEmitter<TransitionEvent>();
  readonly success = new EventEmitter<SuccessEvent>();
  readonly failure = new EventEmitter<FailureEvent>();
  readonly reject = new EventEmitter<RejectEvent>();

  clear(): void {
    this.stateChange.clear();
    this.break.clear();
    this.reset.clear();
    this.halfOpen.clear();
    this.success.clear();
    this.failure.clear();
    this.reject.clear();
  }
}

/** Settlement handlers for calls admitted in one generation. */
interface Observer {
  readonly generation: number;
  readonly onValue: (value: unknown) => void;
  readonly onError: (error: unknown) => void;
}

/**
 * A circuit breaker: stops calling a dependency that keeps failing, then lets a few probes
 * through after a break to find out whether it has recovered.
 *
 * - Closed: calls run; the trip policy counts their outcomes and decides when to open.
 * - Open: calls are refused with {@link BrokenCircuitError} until the break ends. No timer runs:
 *   the first call at or after `until` turns the circuit half-open and becomes a probe.
 * - Half-open: at most `halfOpenPermits` probes run at once; `successThreshold` successes close
 *   the circuit, any failure reopens it; other calls are refused.
 * - Isolated: held open by hand with `isolate()` until released or `reset()`.
 *
 * Every state change increases `generation`, and every admitted call remembers the generation
 * that admitted it. An outcome that arrives after the state has moved on is stale: it is
 * reported through `onSuccess`/`onFailure` but can neither close nor reopen the circuit, nor
 * count in a later window.
 *
 * The breaker holds no timers and no global registrations; `dispose()` drops its listeners.
 *
 * @example
 * ```ts
 * import { circuitBreaker, countWindow } from '@keel/core/circuit-breaker';
 * const breaker = circuitBreaker({ breaker: countWindow({ size: 20, minimumCalls: 10 }), breakDurationMs: 10_000 });
 * const status = await breaker.execute(async ({ signal }) => (await fetch('https://example.com', { signal })).status);
 * const outcome = await breaker.executeResult(() => 42); // never throws
 * ```
 * @category Circuit breaker
 */
export class CircuitBreaker implements Policy {
  private readonly clock: Clock;
  private readonly policy: TripPolicy;
  private readonly handleError: (error: unknown) => boolean;
  private readonly handleResult: ((result: unknown) => boolean) | undefined;
  private readonly breakDurationMs: number;
  private readonly breakDuration: BreakDurationGenerator | undefined;
  private readonly permits: number;
  private readonly successThreshold: number;
  private readonly halfOpenMaxDurationMs: number;
  private kind = CLOSED;
  private gen = 0;
  /** Open: when it opened. Half-open: when it became half-open. */
  private enteredAt = 0;
  private until = 0;
  private openings = 0;
  private freePermits = 0;
  private successes = 0;
  private isolations = 0;
  private isolationEpoch = 0;
  private observer: Observer | undefined;
  /** Read the clock when a call starts (durations are wanted). */
  private timed: boolean;
  /** Read the clock when a call ends (durations, or a policy that needs the time). */
  private stampEnd: boolean;
  /** The clock reading taken by the admission that refused a call as open. */
  private refusedAt = 0;
  /** The refusal `executeResult` hands out in the current generation, built once. */
  private sharedRefusal: BrokenCircuitError | IsolatedCircuitError | undefined;
  private events: CircuitEvents | undefined;

  constructor(options: CircuitBreakerOptions = {}) {
    check.object('circuitBreaker', options);
    checkKnownKeys('circuitBreaker', options, KNOWN_OPTIONS);
    const d = DEFAULT_CIRCUIT_BREAKER_OPTIONS;
    const clock = options.clock ?? systemClock;
    if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function')
      throw new InvalidOptionError('clock', clock, 'a Clock');
    this.clock = clock;
    this.policy = claimPolicy(options.breaker);
    this.breakDurationMs = check.duration('breakDurationMs', options.breakDurationMs, d.breakDurationMs, {
      allowInfinity: true,
    });
    this.breakDuration = check.func<BreakDurationGenerator>('breakDuration', options.breakDuration);
    this.permits = check.integer('halfOpenPermits', options.halfOpenPermits, d.halfOpenPermits, { min: 1 });
    this.successThreshold = check.integer('successThreshold', options.successThreshold, this.permits, {
      min: 1,
    });
    this.halfOpenMaxDurationMs = check.duration(
      'halfOpenMaxDurationMs',
      options.halfOpenMaxDurationMs,
      d.halfOpenMaxDurationMs,
      { min: undefined, above: 0, allowInfinity: true },
    );
    this.handleError = check.func<(error: unknown) => boolean>(
      'handleError',
      options.handleError,
      d.handleError,
    )!;
    this.handleResult = check.func<(result: unknown) => boolean>('handleResult', options.handleResult);
    this.timed = this.policy.usesDuration;
    this.stampEnd = this.timed || this.policy.usesTime;
    if (options.hydrate !== undefined) this.restore(parseCircuitSnapshot(options.hydrate, 'hydrate'));
  }

  /** The current state (a fresh object each read). */
  get state(): CircuitState {
    const generation = this.gen;
    switch (this.kind) {
      case CLOSED:
        return { kind: 'closed', generation };
      case OPEN:
        return {
          kind: 'open',
          generation,
          openedAt: this.enteredAt,
          until: this.until,
          openings: this.openings,
        };
      case HALF_OPEN:
        return {
          kind: 'half-open',
          generation,
          since: this.enteredAt,
          permits: this.permits,
          inFlight: this.permits - this.freePermits,
          successes: this.successes,
          openings: this.openings,
        };
      default:
        return { kind: 'isolated', generation, isolations: this.isolations };
    }
  }

  /** The trip policy's counters now. */
  get metrics(): TripMetrics {
    return this.policy.metrics(this.policy.usesTime ? this.clock.now() : 0);
  }

  /** Fires on every state change. */
  get onStateChange(): Event<StateChangeEvent> {
    return this.emitters().stateChange.event;
  }
  /** Fires when the circuit opens or is isolated. */
  get onBreak(): Event<BreakEvent> {
    return this.emitters().break.event;
  }
  /** Fires when the circuit closes. */
  get onReset(): Event<TransitionEvent> {
    return this.emitters().reset.event;
  }
  /** Fires when the circuit becomes half-open. */
  get onHalfOpen(): Event<TransitionEvent> {
    return this.emitters().halfOpen.event;
  }
  /** Fires after each call that is not counted as a failure. Subscribing turns on call timing. */
  get onSuccess(): Event<SuccessEvent> {
    this.timeCalls();
    return this.emitters().success.event;
  }
  /** Fires after each call counted as a failure. Subscribing turns on call timing. */
  get onFailure(): Event<FailureEvent> {
    this.timeCalls();
    return this.emitters().failure.event;
  }
  /** Fires for each call refused without running. */
  get onReject(): Event<RejectEvent> {
    return this.emitters().reject.event;
  }

  /**
   * Runs `fn` if the circuit admits it, and counts its outcome. Throws {@link BrokenCircuitError}
   * or {@link IsolatedCircuitError} when refused; otherwise returns or throws what `fn` does.
   * The incoming context is handed to `fn` unchanged.
   */
  execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions | ExecuteContext): Promise<T> {
    const generation = this.kind === CLOSED ? this.gen : this.admit();
    if (generation < 0) return Promise.reject(this.refusal(generation, true));
    const start = this.timed ? this.clock.now() : Number.NaN;
    let returned: T | PromiseLike<T>;
    try {
      returned = fn(contextFrom(options));
    } catch (error) {
      this.settleError(generation, start, error);
      return Promise.reject(error);
    }
    if (returned instanceof Promise && !this.timed) {
      // Hand the caller the function's own promise and count its outcome on the side: no
      // wrapper promise, and handlers shared by every call of this generation.
      const observer = this.observerFor(generation);
      returned.then(observer.onValue, observer.onError);
      return returned;
    }
    return Promise.resolve(returned).then(
      (value) => {
        this.settleValue(generation, start, value);
        return value;
      },
      (error: unknown) => {
        this.settleError(generation, start, error);
        throw error;
      },
    );
  }

  /** Outcome handlers bound to one generation, reused until the generation changes. */
  private observerFor(generation: number): Observer {
    let observer = this.observer;
    if (observer === undefined || observer.generation !== generation) {
      observer = {
        generation,
        onValue: (value: unknown) => this.settleValue(generation, Number.NaN, value),
        onError: (error: unknown) => this.settleError(generation, Number.NaN, error),
      };
      this.observer = observer;
    }
    return observer;
  }

  /**
   * Like {@link CircuitBreaker.execute} but never throws: the value, the error `fn` threw, or the
   * refusal comes back as an {@link Outcome}. Refusing this way costs far less than throwing:
   * the refusal error is built once per circuit generation, without a stack trace, and shared
   * by every refusal in that generation (its `retryAfterMs` is refreshed at each refusal), so
   * treat it as read-only.
   */
  async executeResult<T>(
    fn: PolicyFunction<T>,
    options?: ExecuteOptions | ExecuteContext,
  ): Promise<Outcome<T>> {
    const generation = this.kind === CLOSED ? this.gen : this.admit();
    if (generation < 0) return { ok: false, error: this.refusal(generation, false) };
    const context = contextFrom(options);
    const start = this.timed ? this.clock.now() : Number.NaN;
    let value: Awaited<T>;
    try {
      value = await fn(context);
    } catch (error) {
      this.settleError(generation, start, error);
      return { ok: false, error };
    }
    this.settleValue(generation, start, value);
    return { ok: true, value };
  }

  /**
   * Holds the circuit open until the returned handle is disposed (or `reset()` is called). With
   * several handles, the circuit closes when the last one is disposed.
   * @example
   * ```ts
   * import { circuitBreaker } from '@keel/core/circuit-breaker';
   * const breaker = circuitBreaker();
   * const maintenance = breaker.isolate();
   * // ... calls are refused with IsolatedCircuitError ...
   * maintenance.dispose();
   * ```
   */
  isolate(): Disposable {
    this.isolations++;
    if (this.kind !== ISOLATED) {
      const from = this.kind;
      this.kind = ISOLATED;
      const generation = ++this.gen;
      const ev = this.events;
      if (ev !== undefined) {
        ev.stateChange.emit({ from: KINDS[from]!, to: 'isolated', generation, reason: 'isolated' });
        ev.break.emit({
          state: 'isolated',
          generation,
          reason: 'isolated',
          until: Number.POSITIVE_INFINITY,
          openings: 0,
        });
      }
    }
    const epoch = this.isolationEpoch;
    let released = false;
    const handle: Disposable = {
      dispose: () => {
        if (released || epoch !== this.isolationEpoch) return;
        released = true;
        if (--this.isolations === 0 && this.kind === ISOLATED) this.close('released');
      },
    };
    const dispose = (Symbol as { dispose?: symbol }).dispose;
    if (dispose) (handle as unknown as Record<symbol, () => void>)[dispose] = handle.dispose;
    return handle;
  }

  /**
   * Closes the circuit from any state and forgets the counted calls. Outstanding isolation
   * handles become no-ops; calls still in flight are stale.
   */
  reset(): void {
    if (this.kind === CLOSED) {
      this.policy.reset();
      this.openings = 0;
      return;
    }
    this.close('reset');
  }

  /** A JSON-safe snapshot of the state and counters; restore it with the `hydrate` option. */
  toJSON(): CircuitBreakerSnapshot {
    const now = this.clock.now();
    const kind = this.kind;
    const timed = kind === OPEN || kind === HALF_OPEN;
    return {
      version: 1,
      state: KINDS[kind]!,
      generation: this.gen,
      exportedAt: now,
      openedAt: timed ? this.enteredAt : null,
      until: kind === OPEN && Number.isFinite(this.until) ? this.until : null,
      openings: this.openings,
      probeSuccesses: kind === HALF_OPEN ? this.successes : 0,
      breaker: this.policy.toJSON(now),
    };
  }

  /** Same as {@link CircuitBreaker.toJSON}. */
  exportState(): CircuitBreakerSnapshot {
    return this.toJSON();
  }

  /** Drops every listener. The breaker holds nothing else that needs releasing. */
  dispose(): void {
    this.events?.clear();
    this.events = undefined;
  }

  private emitters(): CircuitEvents {
    if (this.events === undefined) this.events = new CircuitEvents();
    return this.events;
  }

  private timeCalls(): void {
    this.timed = true;
    this.stampEnd = true;
  }

  /** Admission outside the closed state: a generation, or a negative refusal code. */
  private admit(): number {
    const kind = this.kind;
    if (kind === CLOSED) return this.gen;
    if (kind === OPEN) {
      const now = this.clock.now();
      if (now < this.until) {
        this.refusedAt = now;
        return REJECTED_OPEN;
      }
      this.halfOpen(now);
      // A listener of that transition may have moved the state on; admit against whatever it is now.
      return this.kind === HALF_OPEN ? this.takePermit(now) : this.admit();
    }
    if (kind === HALF_OPEN) return this.takePermit(Number.NaN);
    return REJECTED_ISOLATED;
  }

  private takePermit(now: number): number {
    if (this.freePermits > 0) {
      this.freePermits--;
      return this.gen;
    }
    if (this.halfOpenMaxDurationMs !== Number.POSITIVE_INFINITY) {
      const at = Number.isNaN(now) ? this.clock.now() : now;
      if (at - this.enteredAt >= this.halfOpenMaxDurationMs) {
        // The probes in flight have taken too long: count them as failed. Their own results
        // will arrive stale and be ignored.
        this.open('probe-timeout', at);
        return this.admit();
      }
    }
    return REJECTED_HALF_OPEN;
  }

  private refusal(code: number, withStack: boolean): BrokenCircuitError | IsolatedCircuitError {
    let error: BrokenCircuitError | IsolatedCircuitError;
    const shared = this.sharedRefusal;
    // A generation is one state, so one error describes every refusal in it.
    if (!withStack && shared !== undefined && shared.generation === this.gen) {
      error = shared;
      if (code === REJECTED_OPEN)
        (error as { retryAfterMs: number }).retryAfterMs = Math.max(0, this.until - this.refusedAt);
    } else {
      error = this.newRefusal(code, withStack);
      if (!withStack) this.sharedRefusal = error;
    }
    const ev = this.events;
    if (ev?.reject.hasListeners)
      ev.reject.emit({
        state: code === REJECTED_OPEN ? 'open' : code === REJECTED_HALF_OPEN ? 'half-open' : 'isolated',
        generation: this.gen,
        retryAfterMs: error.retryAfterMs,
      });
    return error;
  }

  private newRefusal(code: number, withStack: boolean): BrokenCircuitError | IsolatedCircuitError {
    const limit = withStack ? undefined : muteStacks();
    try {
      return code === REJECTED_OPEN
        ? new BrokenCircuitError(Math.max(0, this.until - this.refusedAt), 'open', this.gen)
        : code === REJECTED_HALF_OPEN
          ? new BrokenCircuitError(0, 'half-open', this.gen)
          : new IsolatedCircuitError(this.gen);
    } finally {
      if (limit !== undefined) restoreStacks(limit);
    }
  }

  private settleValue(generation: number, start: number, value: unknown): void {
    const handleResult = this.handleResult;
    if (handleResult !== undefined && judge(handleResult, value)) {
      this.settleFailure(generation, start, 'result', value);
      return;
    }
    const now = this.stampEnd ? this.clock.now() : 0;
    const duration = now - start;
    const ev = this.events;
    if (ev?.success.hasListeners) ev.success.emit({ duration, generation });
    if (generation !== this.gen) return;
    if (this.kind === CLOSED) {
      if (this.policy.success(duration, now)) this.open('tripped', this.stampEnd ? now : this.clock.now());
    } else if (++this.successes >= this.successThreshold) {
      this.close('probes-succeeded');
    } else {
      this.freePermits++;
    }
  }

  private settleError(generation: number, start: number, error: unknown): void {
    if (judge(this.handleError, error)) {
      this.settleFailure(generation, start, 'error', error);
    } else if (generation === this.gen && this.kind === HALF_OPEN) {
      // An ignored error says nothing about health: give the permit back for another probe.
      this.freePermits++;
    }
  }

  private settleFailure(
    generation: number,
    start: number,
    source: 'error' | 'result',
    payload: unknown,
  ): void {
    const now = this.stampEnd ? this.clock.now() : 0;
    const duration = now - start;
    const ev = this.events;
    if (ev?.failure.hasListeners)
      ev.failure.emit(
        source === 'error'
          ? { source, error: payload, duration, generation }
          : { source, result: payload, duration, generation },
      );
    if (generation !== this.gen) return;
    if (this.kind === CLOSED) {
      if (this.policy.failure(duration, now)) this.open('tripped', this.stampEnd ? now : this.clock.now());
    } else {
      this.open('probe-failed', this.stampEnd ? now : this.clock.now());
    }
  }

  private open(reason: TransitionReason, now: number): void {
    const from = this.kind;
    const openings = ++this.openings;
    let breakMs = this.breakDurationMs;
    if (this.breakDuration !== undefined) {
      const computed = callSafely(this.breakDuration, openings);
      if (typeof computed === 'number' && computed >= 0) breakMs = computed;
    }
    this.kind = OPEN;
    this.enteredAt = now;
    this.until = now + breakMs;
    const generation = ++this.gen;
    const ev = this.events;
    if (ev !== undefined) {
      ev.stateChange.emit({ from: KINDS[from]!, to: 'open', generation, reason });
      ev.break.emit({ state: 'open', generation, reason, until: this.until, openings });
    }
  }

  private halfOpen(now: number): void {
    this.kind = HALF_OPEN;
    this.enteredAt = now;
    this.freePermits = this.permits;
    this.successes = 0;
    const generation = ++this.gen;
    const ev = this.events;
    if (ev !== undefined) {
      ev.stateChange.emit({ from: 'open', to: 'half-open', generation, reason: 'break-elapsed' });
      ev.halfOpen.emit({ generation, reason: 'break-elapsed' });
    }
  }

  private close(reason: TransitionReason): void {
    const from = this.kind;
    this.kind = CLOSED;
    this.openings = 0;
    this.successes = 0;
    this.freePermits = 0;
    this.isolations = 0;
    this.isolationEpoch++;
    this.policy.reset();
    const generation = ++this.gen;
    const ev = this.events;
    if (ev !== undefined) {
      ev.stateChange.emit({ from: KINDS[from]!, to: 'closed', generation, reason });
      ev.reset.emit({ generation, reason });
    }
  }

  private restore(snapshot: CircuitBreakerSnapshot): void {
    if (snapshot.breaker.kind !== this.policy.kind)
      throw new InvalidOptionError(
        'hydrate.breaker.kind',
        snapshot.breaker.kind,
        JSON.stringify(this.policy.kind),
      );
    const now = this.clock.now();
    // Only elapsed time carries over: shift the exporter's clock readings onto this clock.
    const shift = now - snapshot.exportedAt;
    this.policy.hydrate(snapshot.breaker, now, 'hydrate.breaker');
    this.gen = snapshot.generation;
    this.openings = snapshot.openings;
    switch (snapshot.state) {
      case 'closed':
        this.kind = CLOSED;
        this.openings = 0;
        break;
      case 'open':
        this.kind = OPEN;
        this.enteredAt = snapshot.openedAt! + shift;
        this.until = snapshot.until === null ? Number.POSITIVE_INFINITY : snapshot.until + shift;
        break;
      case 'half-open':
        this.kind = HALF_OPEN;
        this.enteredAt = snapshot.openedAt! + shift;
        this.freePermits = this.permits;
        this.successes = Math.min(snapshot.probeSuccesses, this.successThreshold - 1);
        break;
      default:
        this.kind = ISOLATED;
    }
  }
}

/**
 * Creates a {@link CircuitBreaker}.
 *
 * @example
 * ```ts
 * import { circuitBreaker, consecutiveFailures, isBrokenCircuitError } from '@keel/core/circuit-breaker';
 * const breaker = circuitBreaker({ breaker: consecutiveFailures(3), breakDurationMs: 2_000 });
 * breaker.onStateChange(({ from, to, reason }) => console.log(`${from} -> ${to} (${reason})`));
 * try {
 *   await breaker.execute(() => fetch('https://example.com'));
 * } catch (error) {
 *   if (isBrokenCircuitError(error)) console.log('skipped: circuit open');
 * }
 * ```
 * @category Circuit breaker
 */
export function circuitBreaker(options?: CircuitBreakerOptions): CircuitBreaker {
  return new CircuitBreaker(options);
}

function claimPolicy(policy: TripPolicy | undefined): TripPolicy {
  if (policy === undefined) return new ConsecutiveFailures();
  if (
    typeof policy !== 'object' ||
    policy === null ||
    typeof policy.success !== 'function' ||
    typeof policy.failure !== 'function' ||
    typeof policy.reset !== 'function' ||
    typeof policy.kind !== 'string'
  )
    throw new InvalidOptionError('breaker', policy, 'a TripPolicy such as consecutiveFailures(5)');
  if (claimedPolicies.has(policy))
    throw new InvalidOptionError('breaker', policy, 'a trip policy no other circuit breaker uses');
  claimedPolicies.add(policy);
  return policy;
}

/** Runs a user predicate; one that throws counts as `true` (failure) and is reported asynchronously. */
function judge(predicate: (value: unknown) => boolean, value: unknown): boolean {
  try {
    return predicate(value) === true;
  } catch (error) {
    report(error);
    return true;
  }
}

function callSafely(generator: BreakDurationGenerator, openings: number): unknown {
  try {
    return generator(openings);
  } catch (error) {
    report(error);
    return undefined;
  }
}

function report(error: unknown): void {
  // Surface a faulty callback without letting it corrupt the circuit's state.
  queueMicrotask(() => {
    throw error;
  });
}

// Building an error captures a stack trace, which dominates the cost of a refusal. For refusals
// returned as outcomes the stack says nothing useful, so skip it where the engine allows.
const errorConstructor = Error as unknown as { stackTraceLimit?: number };
const canMuteStacks =
  typeof errorConstructor.stackTraceLimit === 'number' &&
  Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')?.writable === true;

function muteStacks(): number | undefined {
  if (!canMuteStacks) return undefined;
  const limit = errorConstructor.stackTraceLimit;
  errorConstructor.stackTraceLimit = 0;
  return limit;
}

function restoreStacks(limit: number): void {
  errorConstructor.stackTraceLimit = limit;
}
