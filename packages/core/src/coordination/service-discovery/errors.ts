import { hasErrorCode, KeelError } from '../../errors/index.js';

/**
 * The reason a registration's signal aborts with: no heartbeat reached the store within the
 * TTL (the instance may have vanished from the registry), or the instance was deregistered.
 * @example
 * ```ts
 * import { isRegistrationLapsedError, RegistrationLapsedError } from '@keel/core/service-discovery';
 * console.log(isRegistrationLapsedError(new RegistrationLapsedError('api', 'api-1', 'deregistered')));
 * ```
 * @category Service discovery
 */
export class RegistrationLapsedError extends KeelError {
  override readonly name = 'RegistrationLapsedError' as const;
  readonly code = 'KEEL_REGISTRATION_LAPSED' as const;
  constructor(
    /** The service's name. */
    readonly service: string,
    /** The instance's id. */
    readonly instanceId: string,
    /** Why the registration no longer stands. */
    readonly lapseReason: 'heartbeat-missed' | 'deregistered',
  ) {
    super(`Registration of ${service}/${instanceId} lapsed: ${lapseReason}`);
  }
}

/**
 * True when `error` is a {@link RegistrationLapsedError}.
 * @example
 * ```ts
 * import { isRegistrationLapsedError } from '@keel/core/service-discovery';
 * console.log(isRegistrationLapsedError(new Error('x'))); // false
 * ```
 * @category Service discovery
 */
export const isRegistrationLapsedError = (error: unknown): error is RegistrationLapsedError =>
  hasErrorCode(error, 'KEEL_REGISTRATION_LAPSED');
