import { check, checkKnownKeys } from '../../../options/index.js';
import type { Backoff } from './backoff.js';

/**
 * Options of {@link constant}.
 * @example
 * ```ts
 * import { constant } from '@keel/core/retry';
 * const backoff = constant({ delay: 500 });
 * ```
 * @category Retry
 */
export interface ConstantBackoffOptions {
  /**
   * The wait before every retry, in milliseconds.
   * @default 100
   */
  readonly delay?: number;
}

/**
 * The defaults of {@link ConstantBackoffOptions}.
 * @example
 * ```ts
 * import { DEFAULT_CONSTANT_BACKOFF } from '@keel/core/retry';
 * console.log(DEFAULT_CONSTANT_BACKOFF.delay); // 100
 * ```
 * @category Retry
 */
export const DEFAULT_CONSTANT_BACKOFF = { delay: 100 } as const satisfies ConstantBackoffOptions;

/**
 * Waits the same time before every retry. Simple and predictable, but many clients failing
 * together retry together: prefer a jittered strategy when calls share a dependency.
 *
 * @example
 * ```ts
 * import { constant, retry } from '@keel/core/retry';
 * const policy = retry({ backoff: constant({ delay: 250 }) });
 * ```
 * @category Retry
 */
export function constant(options: ConstantBackoffOptions = {}): Backoff {
  checkKnownKeys('constant', options, ['delay']);
  const delay = check.duration('delay', options.delay, DEFAULT_CONSTANT_BACKOFF.delay);
  return { kind: 'constant', next: () => delay };
}
