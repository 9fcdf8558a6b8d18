/**
 * The result of a call that does not throw: either the value or the error, told apart by `ok`.
 * Returning a refusal this way is much cheaper than throwing it.
 *
 * @example
 * ```ts
 * import type { Outcome } from '@keel/core/circuit-breaker';
 * function show(outcome: Outcome<number>): string {
 *   return outcome.ok ? `value ${outcome.value}` : `error ${String(outcome.error)}`;
 * }
 * console.log(show({ ok: true, value: 1 }));
 * ```
 * @category Circuit breaker
 */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };
