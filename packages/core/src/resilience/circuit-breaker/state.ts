/**
 * The four states of a circuit. Closed lets calls through and counts them; open refuses them
 * until its break ends; half-open lets a few probes through to decide; isolated refuses them
 * until released by hand.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * const kind = circuitBreaker().state.kind; // 'closed'
 * ```
 * @category Circuit breaker
 */
export type CircuitStateKind = 'closed' | 'open' | 'half-open' | 'isolated';

/**
 * Calls flow and their outcomes are counted by the trip policy.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * const state = circuitBreaker().state;
 * if (state.kind === 'closed') console.log(state.generation);
 * ```
 * @category Circuit breaker
 */
export interface ClosedState {
  readonly kind: 'closed';
  /** Increases by one on every state change; a call carries the generation that admitted it. */
  readonly generation: number;
}

/**
 * Calls are refused until `until`. The move to half-open happens on the first call at or after
 * `until` (no timer runs), so a circuit nobody calls reports `open` with `until` in the past.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * const state = circuitBreaker().state;
 * if (state.kind === 'open') console.log(state.until);
 * ```
 * @category Circuit breaker
 */
export interface OpenState {
  readonly kind: 'open';
  readonly generation: number;
  /** Clock reading when the circuit opened. */
  readonly openedAt: number;
  /** Clock reading at which the next call becomes a probe; `Infinity` when the break has no end. */
  readonly until: number;
  /** Consecutive openings since the circuit was last closed (1 for the first trip). */
  readonly openings: number;
}

/**
 * Up to `permits` probes may be in flight; `successes` probe successes close the circuit and any
 * probe failure opens it again.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * const state = circuitBreaker().state;
 * if (state.kind === 'half-open') console.log(`${state.inFlight} of ${state.permits} probes`);
 * ```
 * @category Circuit breaker
 */
export interface HalfOpenState {
  readonly kind: 'half-open';
  readonly generation: number;
  /** Clock reading when the circuit became half-open. */
  readonly since: number;
  /** Probes allowed in flight at once. */
  readonly permits: number;
  /** Probes in flight now. */
  readonly inFlight: number;
  /** Probe successes so far in this half-open period. */
  readonly successes: number;
  /** Consecutive openings that led here. */
  readonly openings: number;
}

/**
 * Held open by hand; calls are refused with `IsolatedCircuitError`.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * const breaker = circuitBreaker();
 * breaker.isolate();
 * const state = breaker.state;
 * if (state.kind === 'isolated') console.log(state.isolations); // 1
 * ```
 * @category Circuit breaker
 */
export interface IsolatedState {
  readonly kind: 'isolated';
  readonly generation: number;
  /** Isolation handles not yet released (0 after hydrating an isolated snapshot: only `reset()` ends it). */
  readonly isolations: number;
}

/**
 * A circuit's state, as a discriminated union on `kind`.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * const state = circuitBreaker().state;
 * if (state.kind === 'open') console.log(`open until ${state.until}`);
 * ```
 * @category Circuit breaker
 */
export type CircuitState = ClosedState | OpenState | HalfOpenState | IsolatedState;

/**
 * Why a circuit changed state.
 * - `tripped`: the trip policy opened a closed circuit.
 * - `probe-failed`: a half-open probe failed.
 * - `probe-timeout`: half-open lasted longer than `halfOpenMaxDurationMs` with every permit taken.
 * - `break-elapsed`: the first call after the break made the circuit half-open.
 * - `probes-succeeded`: enough probes succeeded to close.
 * - `isolated`: `isolate()` was called.
 * - `released`: the last isolation handle was disposed.
 * - `reset`: `reset()` was called.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * circuitBreaker().onStateChange(({ reason }) => console.log(reason));
 * ```
 * @category Circuit breaker
 */
export type TransitionReason =
  | 'tripped'
  | 'probe-failed'
  | 'probe-timeout'
  | 'break-elapsed'
  | 'probes-succeeded'
  | 'isolated'
  | 'released'
  | 'reset';

/**
 * Payload of `onStateChange`.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * circuitBreaker().onStateChange(({ from, to }) => console.log(`${from} -> ${to}`));
 * ```
 * @category Circuit breaker
 */
export interface StateChangeEvent {
  readonly from: CircuitStateKind;
  readonly to: CircuitStateKind;
  /** The generation of the new state. */
  readonly generation: number;
  readonly reason: TransitionReason;
}

/**
 * Payload of `onBreak`: the circuit opened, or was isolated (`until` is then `Infinity`).
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * circuitBreaker().onBreak(({ until }) => console.log(`open until ${until}`));
 * ```
 * @category Circuit breaker
 */
export interface BreakEvent {
  readonly state: 'open' | 'isolated';
  readonly generation: number;
  readonly reason: TransitionReason;
  /** Clock reading at which the next call becomes a probe. */
  readonly until: number;
  /** Consecutive openings since the circuit was last closed (0 when isolated). */
  readonly openings: number;
}

/**
 * Payload of `onReset` (the circuit closed) and `onHalfOpen`.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * circuitBreaker().onReset(({ reason }) => console.log(`closed: ${reason}`));
 * ```
 * @category Circuit breaker
 */
export interface TransitionEvent {
  readonly generation: number;
  readonly reason: TransitionReason;
}

/**
 * Payload of `onSuccess`. `duration` is measured on the breaker's clock; it is `NaN` for a call
 * that started before anyone subscribed to `onSuccess` or `onFailure`.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * circuitBreaker().onSuccess(({ duration }) => console.log(`${duration} ms`));
 * ```
 * @category Circuit breaker
 */
export interface SuccessEvent {
  readonly duration: number;
  /** The generation that admitted the call; older than the circuit's when the result is stale. */
  readonly generation: number;
}

/**
 * Payload of `onFailure`: a counted failure, by a thrown error or by a result `handleResult` flagged.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * circuitBreaker().onFailure((e) => console.log(e.source === 'error' ? e.error : e.result));
 * ```
 * @category Circuit breaker
 */
export type FailureEvent =
  | {
      readonly source: 'error';
      readonly error: unknown;
      readonly duration: number;
      readonly generation: number;
    }
  | {
      readonly source: 'result';
      readonly result: unknown;
      readonly duration: number;
      readonly generation: number;
    };

/**
 * Payload of `onReject`: a call refused without running.
 * @example
 * ```ts
 * import { circuitBreaker } from '@keel/core/circuit-breaker';
 * circuitBreaker().onReject(({ state, retryAfterMs }) => console.log(state, retryAfterMs));
 * ```
 * @category Circuit breaker
 */
export interface RejectEvent {
  readonly state: 'open' | 'half-open' | 'isolated';
  readonly generation: number;
  readonly retryAfterMs: number;
}
