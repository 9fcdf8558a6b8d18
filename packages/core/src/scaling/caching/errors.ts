import { hasErrorCode, KeelError } from '../../errors/index.js';

/**
 * Thrown by {@link WriteBehind.write} once the buffer has been disposed: the write would be lost.
 *
 * @example
 * ```ts
 * import { isWriteBehindClosedError, WriteBehind } from '@keel/core/caching';
 * const buffer = new WriteBehind<string, number>(async () => {});
 * await buffer.dispose();
 * try {
 *   await buffer.write('a', 1);
 * } catch (error) {
 *   console.log(isWriteBehindClosedError(error)); // true
 * }
 * ```
 */
export class WriteBehindClosedError extends KeelError {
  override readonly name = 'WriteBehindClosedError' as const;
  readonly code = 'KEEL_WRITE_BEHIND_CLOSED' as const;

  constructor(
    /** The key whose write was refused. */
    readonly key: unknown,
  ) {
    super('The write-behind buffer is closed; the write was not accepted');
  }
}

/**
 * True for a {@link WriteBehindClosedError}.
 *
 * @example
 * ```ts
 * import { isWriteBehindClosedError } from '@keel/core/caching';
 * console.log(isWriteBehindClosedError(new Error('x'))); // false
 * ```
 */
export const isWriteBehindClosedError = (error: unknown): error is WriteBehindClosedError =>
  hasErrorCode(error, 'KEEL_WRITE_BEHIND_CLOSED');
