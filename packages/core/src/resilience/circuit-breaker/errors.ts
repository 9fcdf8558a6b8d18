import { hasErrorCode, KeelError, type KeelErrorOptions } from '../../errors/index.js';

/**
 * Thrown (or returned in an {@link Outcome}) when a call is refused because the circuit is open,
 * or because it is half-open and every probe permit is taken.
 *
 * `retryAfterMs` is how long the circuit will stay open from the moment of the refusal; `0` in
 * half-open (a decision is pending on the probes in flight); `Infinity` when the break has no end.
 *
 * @example
 * ```ts
 * import { circuitBreaker, isBrokenCircuitError } from '@keel/core/circuit-breaker';
 * const breaker = circuitBreaker();
 * try {
 *   await breaker.execute(() => fetch('https://example.com'));
 * } catch (error) {
 *   if (isBrokenCircuitError(error)) console.log(`try again in ${error.retryAfterMs} ms`);
 * }
 * ```
 * @category Circuit breaker
 */
export class BrokenCircuitError extends KeelError {
  override readonly name = 'BrokenCircuitError' as const;
  readonly code = 'KEEL_CIRCUIT_OPEN' as const;

  constructor(
    /** Milliseconds until the circuit lets a probe through (0 when half-open). */
    readonly retryAfterMs: number,
    /** The state that refused the call. */
    readonly state: 'open' | 'half-open',
    /** The circuit's generation when it refused the call. */
    readonly generation: number,
    options?: KeelErrorOptions,
  ) {
    super(
      state === 'open'
        ? `Circuit is open; calls are refused for another ${formatMs(retryAfterMs)}`
        : 'Circuit is half-open and every probe permit is in use',
      options,
    );
  }
}

/**
 * True when `error` is a {@link BrokenCircuitError}.
 * @example
 * ```ts
 * import { isBrokenCircuitError } from '@keel/core/circuit-breaker';
 * console.log(isBrokenCircuitError(new Error('no'))); // false
 * ```
 * @category Circuit breaker
 */
export const isBrokenCircuitError = (error: unknown): error is BrokenCircuitError =>
  hasErrorCode(error, 'KEEL_CIRCUIT_OPEN');

/**
 * Thrown (or returned in an {@link Outcome}) when a call is refused because the circuit was
 * isolated by hand with `isolate()`; it stays refused until the isolation is released or `reset()`.
 *
 * @example
 * ```ts
 * import { circuitBreaker, isIsolatedCircuitError } from '@keel/core/circuit-breaker';
 * const breaker = circuitBreaker();
 * const isolation = breaker.isolate();
 * const outcome = await breaker.executeResult(() => 1);
 * if (!outcome.ok && isIsolatedCircuitError(outcome.error)) console.log('maintenance window');
 * isolation.dispose();
 * ```
 * @category Circuit breaker
 */
export class IsolatedCircuitError extends KeelError {
  override readonly name = 'IsolatedCircuitError' as const;
  readonly code = 'KEEL_CIRCUIT_ISOLATED' as const;
  /** An isolated circuit has no scheduled end. */
  readonly retryAfterMs = Number.POSITIVE_INFINITY;

  constructor(
    /** The circuit's generation when it refused the call. */
    readonly generation: number,
    options?: KeelErrorOptions,
  ) {
    super('Circuit is isolated; calls are refused until it is released or reset', options);
  }
}

/**
 * True when `error` is an {@link IsolatedCircuitError}.
 * @example
 * ```ts
 * import { isIsolatedCircuitError } from '@keel/core/circuit-breaker';
 * console.log(isIsolatedCircuitError(undefined)); // false
 * ```
 * @category Circuit breaker
 */
export const isIsolatedCircuitError = (error: unknown): error is IsolatedCircuitError =>
  hasErrorCode(error, 'KEEL_CIRCUIT_ISOLATED');

/**
 * True when a circuit breaker refused the call, whether it was open, half-open or isolated.
 * @example
 * ```ts
 * import { isCircuitRejection } from '@keel/core/circuit-breaker';
 * console.log(isCircuitRejection(new Error('boom'))); // false
 * ```
 * @category Circuit breaker
 */
export const isCircuitRejection = (error: unknown): error is BrokenCircuitError | IsolatedCircuitError =>
  isBrokenCircuitError(error) || isIsolatedCircuitError(error);

function formatMs(ms: number): string {
  return Number.isFinite(ms) ? `${Math.round(ms * 1000) / 1000} ms` : 'an unlimited time';
}
