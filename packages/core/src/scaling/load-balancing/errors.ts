import { hasErrorCode, KeelError, type KeelErrorOptions } from '../../errors/index.js';

/**
 * Thrown by `pick` when no endpoint can take work: the set is empty or every endpoint is ejected.
 * @example
 * ```ts
 * import { EndpointSet, isNoEndpointError, loadBalancer, roundRobin } from '@keel/core/load-balancing';
 * try {
 *   loadBalancer(new EndpointSet(), roundRobin()).pick();
 * } catch (error) {
 *   console.log(isNoEndpointError(error)); // true
 * }
 * ```
 * @category Load balancing
 */
export class NoEndpointError extends KeelError {
  override readonly name = 'NoEndpointError' as const;
  readonly code = 'KEEL_NO_ENDPOINT' as const;

  constructor(
    /** Endpoints in the set. */
    readonly total: number,
    /** Of those, how many are ejected. */
    readonly ejected: number,
    options?: KeelErrorOptions,
  ) {
    super(
      total === 0
        ? 'No endpoint to balance over: the set is empty'
        : `No endpoint available: all ${total} are ejected`,
      options,
    );
  }
}

/**
 * True when `error` is a {@link NoEndpointError}.
 * @example
 * ```ts
 * import { isNoEndpointError } from '@keel/core/load-balancing';
 * console.log(isNoEndpointError(new Error('x'))); // false
 * ```
 * @category Load balancing
 */
export const isNoEndpointError = (error: unknown): error is NoEndpointError =>
  hasErrorCode(error, 'KEEL_NO_ENDPOINT');
