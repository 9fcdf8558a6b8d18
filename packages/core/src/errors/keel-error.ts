const brand: unique symbol = Symbol.for('keel.error') as never;

/**
 * Options every Keel error accepts: the underlying `cause`, kept as is.
 * @category Errors
 */
export interface KeelErrorOptions {
  readonly cause?: unknown;
}

/**
 * The root of every error Keel throws. Each subclass has a literal `name`, a stable `code`
 * (`KEEL_…`) that never changes between versions, context fields, and `cause`.
 *
 * Tell errors apart with the guards (`isKeelError`, `hasErrorCode`, or a subclass's own guard),
 * which test the code rather than `instanceof`, so they hold across duplicated package copies.
 *
 * @example
 * ```ts
 * import { hasErrorCode, InvalidOptionError } from '@keel/core/errors';
 * try {
 *   throw new InvalidOptionError('maxAttempts', -1, 'a non-negative integer');
 * } catch (error) {
 *   if (hasErrorCode(error, 'KEEL_INVALID_OPTION')) console.log(error.message);
 * }
 * ```
 * @category Errors
 */
export abstract class KeelError extends Error {
  /** Stable machine-readable code, `KEEL_` followed by upper snake case. */
  abstract readonly code: `KEEL_${string}`;
  /** @internal brand used by the guards (set on the prototype: no per-instance cost). */
  declare readonly [brand]: true;

  constructor(message: string, options?: KeelErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

Object.defineProperty(KeelError.prototype, brand, { value: true });

/**
 * True when `error` is any Keel error.
 *
 * @example
 * ```ts
 * import { InvalidOptionError, isKeelError } from '@keel/core/errors';
 * console.log(isKeelError(new InvalidOptionError('ttlMs', -1, 'a positive number'))); // true
 * console.log(isKeelError(new Error('plain'))); // false
 * ```
 * @category Errors
 */
export function isKeelError(error: unknown): error is KeelError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { [brand]?: unknown })[brand] === true &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/**
 * True when `error` is a Keel error with exactly this `code`; narrows to `KeelError & { code }`.
 * @example
 * ```ts
 * import { hasErrorCode } from '@keel/core/errors';
 * console.log(hasErrorCode(new Error('x'), 'KEEL_TIMEOUT')); // false
 * ```
 * @category Errors
 */
export function hasErrorCode<C extends `KEEL_${string}`>(
  error: unknown,
  code: C,
): error is KeelError & { readonly code: C } {
  return isKeelError(error) && error.code === code;
}

/**
 * Thrown when an options object holds a bad value. Names the field, shows the value and says
 * what was expected.
 *
 * @example
 * ```ts
 * import { InvalidOptionError } from '@keel/core/errors';
 * const error = new InvalidOptionError('backoff.maxDelay', -5, 'a non-negative number');
 * console.log(error.message); // Invalid option "backoff.maxDelay": expected a non-negative number, got -5
 * console.log(error.field, error.code); // backoff.maxDelay KEEL_INVALID_OPTION
 * ```
 * @category Errors
 */
export class InvalidOptionError extends KeelError {
  override readonly name = 'InvalidOptionError' as const;
  readonly code = 'KEEL_INVALID_OPTION' as const;

  constructor(
    /** Dotted path of the offending field, such as `backoff.maxDelay`. */
    readonly field: string,
    /** The value that was given. */
    readonly value: unknown,
    /** What would have been accepted. */
    readonly expected: string,
    options?: KeelErrorOptions,
  ) {
    super(`Invalid option "${field}": expected ${expected}, got ${describe(value)}`, options);
  }
}

/**
 * True when `error` is an {@link InvalidOptionError}.
 *
 * @example
 * ```ts
 * import { bulkhead } from '@keel/core/bulkhead';
 * import { isInvalidOptionError } from '@keel/core/errors';
 * try {
 *   bulkhead({ maxConcurrent: 0 });
 * } catch (error) {
 *   if (isInvalidOptionError(error)) console.log(error.field); // bulkhead.maxConcurrent
 * }
 * ```
 * @category Errors
 */
export const isInvalidOptionError = (error: unknown): error is InvalidOptionError =>
  hasErrorCode(error, 'KEEL_INVALID_OPTION');

/**
 * Thrown when an operation was cancelled through its `AbortSignal` and the signal's own reason
 * is not an `Error` (an `Error` reason is rethrown as is, so it is never lost).
 *
 * @example
 * ```ts
 * import { AbortedError } from '@keel/core/errors';
 * const error = new AbortedError('shutting down');
 * console.log(error.message); // Operation aborted: "shutting down"
 * console.log(error.reason); // shutting down
 * ```
 * @category Errors
 */
export class AbortedError extends KeelError {
  override readonly name = 'AbortedError' as const;
  readonly code = 'KEEL_ABORTED' as const;
  constructor(
    /** The signal's `reason`, whatever it was. */
    readonly reason: unknown,
  ) {
    super(`Operation aborted${reason === undefined ? '' : `: ${describe(reason)}`}`, { cause: reason });
  }
}

/**
 * True when `error` is an {@link AbortedError}.
 *
 * @example
 * ```ts
 * import { systemClock } from '@keel/core/clock';
 * import { isAbortedError } from '@keel/core/errors';
 * import { sleep } from '@keel/core/signal';
 * const controller = new AbortController();
 * controller.abort('user left');
 * const outcome = await sleep(systemClock, 1_000, controller.signal).catch((error) => error);
 * console.log(isAbortedError(outcome)); // true
 * ```
 * @category Errors
 */
export const isAbortedError = (error: unknown): error is AbortedError => hasErrorCode(error, 'KEEL_ABORTED');

/**
 * Short, safe rendering of a value for an error message.
 *
 * @example
 * ```ts
 * import { describe } from '@keel/core/errors';
 * console.log(describe('x'.repeat(100))); // "xxx…xxx...": quoted, and cut to 60 characters
 * console.log(describe(new RangeError('too big'))); // RangeError: too big
 * console.log(describe([1, 2, 3])); // an array of 3
 * ```
 */
export function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  try {
    const json = JSON.stringify(value);
    return json && json.length <= 60 ? json : 'an object';
  } catch {
    return 'an object';
  }
}

/**
 * Thrown (and used as the abort reason) when a time limit or an absolute deadline passes.
 *
 * @example
 * ```ts
 * import { TimeoutError } from '@keel/core/errors';
 * const error = new TimeoutError(250);
 * console.log(error.message); // Operation timed out after 250 ms
 * console.log(error.timeoutMs, error.code); // 250 KEEL_TIMEOUT
 * ```
 * @category Errors
 */
export class TimeoutError extends KeelError {
  override readonly name = 'TimeoutError' as const;
  readonly code = 'KEEL_TIMEOUT' as const;
  constructor(
    /** The limit that passed, in milliseconds (the remaining budget for a deadline). */
    readonly timeoutMs: number,
    /** The absolute deadline on the clock's scale, when one was set. */
    readonly deadline?: number,
    options?: KeelErrorOptions & { readonly message?: string },
  ) {
    super(options?.message ?? `Operation timed out after ${Math.round(timeoutMs * 1000) / 1000} ms`, options);
  }
}

/**
 * True when `error` is a {@link TimeoutError}.
 *
 * @example
 * ```ts
 * import { isTimeoutError, TimeoutError } from '@keel/core/errors';
 * const controller = new AbortController();
 * controller.abort(new TimeoutError(100));
 * console.log(isTimeoutError(controller.signal.reason)); // true
 * console.log(isTimeoutError(new Error('timed out'))); // false
 * ```
 * @category Errors
 */
export const isTimeoutError = (error: unknown): error is TimeoutError => hasErrorCode(error, 'KEEL_TIMEOUT');
