import { describe, hasErrorCode, KeelError } from '../../errors/index.js';

/**
 * Thrown by {@link decodeTimeoutHeader} (and the helpers built on it) when a timeout header is
 * not 1 to 8 digits followed by one of the units `H`, `M`, `S`, `m`, `u` or `n`.
 *
 * @example
 * ```ts
 * import { decodeTimeoutHeader, isMalformedTimeoutHeaderError } from '@keel/core/timeout';
 * try {
 *   decodeTimeoutHeader('5 seconds');
 * } catch (error) {
 *   if (isMalformedTimeoutHeaderError(error)) console.log(error.value); // '5 seconds'
 * }
 * ```
 * @category Timeout
 */
export class MalformedTimeoutHeaderError extends KeelError {
  override readonly name = 'MalformedTimeoutHeaderError' as const;
  readonly code = 'KEEL_MALFORMED_TIMEOUT_HEADER' as const;

  constructor(
    /** The header value that could not be read. */
    readonly value: unknown,
  ) {
    super(
      `Malformed timeout header ${describe(value)}: expected 1 to 8 digits followed by one of H, M, S, m, u, n`,
    );
  }
}

/**
 * True when `error` is a {@link MalformedTimeoutHeaderError}.
 * @example
 * ```ts
 * import { isMalformedTimeoutHeaderError } from '@keel/core/timeout';
 * console.log(isMalformedTimeoutHeaderError(new Error('x'))); // false
 * ```
 * @category Timeout
 */
export const isMalformedTimeoutHeaderError = (error: unknown): error is MalformedTimeoutHeaderError =>
  hasErrorCode(error, 'KEEL_MALFORMED_TIMEOUT_HEADER');
