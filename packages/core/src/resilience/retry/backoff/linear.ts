import { InvalidOptionError } from '../../../errors/index.js';
import { check, checkKnownKeys } from '../../../options/index.js';
import type { Backoff } from './backoff.js';

/**
 * Options of {@link linear}.
 * @example
 * ```ts
 * import { linear } from '@keel/core/retry';
 * const backoff = linear({ initialDelay: 100, increment: 100, maxDelay: 1_000 });
 * ```
 * @category Retry
 */
export interface LinearBackoffOptions {
  /**
   * The wait before the first retry, in milliseconds.
   * @default 100
   */
  readonly initialDelay?: number;
  /**
   * What each further retry adds, in milliseconds.
   * @default the initial delay
   */
  readonly increment?: number;
  /**
   * The longest wait, in milliseconds.
   * @default 30000
   */
  readonly maxDelay?: number;
}

/**
 * The defaults of {@link LinearBackoffOptions}.
 * @example
 * ```ts
 * import { DEFAULT_LINEAR_BACKOFF } from '@keel/core/retry';
 * console.log(DEFAULT_LINEAR_BACKOFF.initialDelay); // 100
 * ```
 * @category Retry
 */
export const DEFAULT_LINEAR_BACKOFF = { initialDelay: 100, maxDelay: 30_000 } as const;

/**
 * Waits `initialDelay + increment × (attempt − 1)`, capped at `maxDelay`.
 *
 * @example
 * ```ts
 * import { linear } from '@keel/core/retry';
 * import { systemRandom } from '@keel/core/random';
 * const backoff = linear({ initialDelay: 100, increment: 50 });
 * console.log(backoff.next(3, 150, systemRandom)); // 200
 * ```
 * @category Retry
 */
export function linear(options: LinearBackoffOptions = {}): Backoff {
  checkKnownKeys('linear', options, ['initialDelay', 'increment', 'maxDelay']);
  const initialDelay = check.duration(
    'initialDelay',
    options.initialDelay,
    DEFAULT_LINEAR_BACKOFF.initialDelay,
  );
  const increment = check.duration('increment', options.increment, initialDelay);
  const maxDelay = check.duration('maxDelay', options.maxDelay, DEFAULT_LINEAR_BACKOFF.maxDelay, {
    allowInfinity: true,
  });
  if (maxDelay < initialDelay)
    throw new InvalidOptionError('maxDelay', maxDelay, `a number >= initialDelay (${initialDelay})`);
  return {
    kind: 'linear',
    next: (attempt) => Math.min(maxDelay, initialDelay + increment * (attempt - 1)),
  };
}
