import { isInvalidOptionError } from '../errors/index.js';

/**
 * The field an `InvalidOptionError` thrown by `fn` names; undefined when `fn` throws nothing.
 * Any other error is rethrown.
 * @example
 * ```ts
 * import { check } from '@keel/core/options';
 * import { invalidOptionField } from '@keel/core/testing';
 * console.log(invalidOptionField(() => check.number('limit', -1, 1, { min: 0 }))); // 'limit'
 * ```
 * @category Testing
 */
export function invalidOptionField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (isInvalidOptionError(error)) return error.field;
    throw error;
  }
  return undefined;
}

/**
 * Asserts that `make` throws an `InvalidOptionError` naming `field`.
 * @example
 * ```ts
 * import { check } from '@keel/core/options';
 * import { assertInvalidOption } from '@keel/core/testing';
 * assertInvalidOption(() => check.number('limit', -1, 1, { min: 0 }), 'limit');
 * ```
 * @category Testing
 */
export function assertInvalidOption(make: () => unknown, field: string): void {
  let error: unknown;
  try {
    make();
  } catch (caught) {
    error = caught;
  }
  if (!isInvalidOptionError(error))
    throw new Error(`expected an InvalidOptionError for ${field}, got ${String(error)}`);
  if (error.field !== field)
    throw new Error(`expected an InvalidOptionError for ${field}, got one for ${error.field}`);
}
