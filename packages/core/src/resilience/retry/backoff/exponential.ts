import { InvalidOptionError } from '../../../errors/index.js';
import { check, checkKnownKeys } from '../../../options/index.js';
import type { Backoff } from './backoff.js';

/**
 * How randomness spreads the waits of an {@link exponential} backoff, after the AWS Architecture
 * Blog post "Exponential Backoff And Jitter" (Marc Brooker, 2015). With `v = min(maxDelay,
 * initialDelay × factor^(attempt − 1))`:
 *
 * - `'none'`: exactly `v`.
 * - `'full'`: uniform in `[0, v)`. Spreads retries the most; the post's recommendation.
 * - `'equal'`: `v/2` plus uniform in `[0, v/2)`, so never less than half of `v`.
 * - `'decorrelated'`: uniform in `[initialDelay, 3 × previous delay)`, capped at `maxDelay`; it
 *   grows from the previous wait rather than from the attempt number, so `factor` is not used.
 * @example
 * ```ts
 * import { exponential, type Jitter } from '@keel/core/retry';
 * const jitter: Jitter = 'decorrelated';
 * const backoff = exponential({ jitter });
 * ```
 * @category Retry
 */
export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated';

/**
 * Options of {@link exponential}.
 * @example
 * ```ts
 * import { exponential } from '@keel/core/retry';
 * const backoff = exponential({ initialDelay: 200, maxDelay: 10_000, factor: 3, jitter: 'equal' });
 * ```
 * @category Retry
 */
export interface ExponentialBackoffOptions {
  /**
   * The base wait: before the first retry without jitter, and the floor of decorrelated jitter.
   * @default 100
   */
  readonly initialDelay?: number;
  /**
   * The longest wait, in milliseconds.
   * @default 30000
   */
  readonly maxDelay?: number;
  /**
   * How much the wait grows per retry, at least 1.
   * @default 2
   */
  readonly factor?: number;
  /**
   * How randomness spreads the waits.
   * @default 'full'
   */
  readonly jitter?: Jitter;
}

/**
 * The defaults of {@link ExponentialBackoffOptions}.
 * @example
 * ```ts
 * import { DEFAULT_EXPONENTIAL_BACKOFF } from '@keel/core/retry';
 * console.log(DEFAULT_EXPONENTIAL_BACKOFF.jitter); // 'full'
 * ```
 * @category Retry
 */
export const DEFAULT_EXPONENTIAL_BACKOFF = {
  initialDelay: 100,
  maxDelay: 30_000,
  factor: 2,
  jitter: 'full',
} as const satisfies ExponentialBackoffOptions;

/** The multiplier AWS's decorrelated jitter applies to the previous wait. */
const DECORRELATED_GROWTH = 3;

/**
 * Waits that grow geometrically up to a cap, spread by jitter so that clients which failed
 * together do not retry together.
 *
 * @example
 * ```ts
 * import { exponential, retry } from '@keel/core/retry';
 * const policy = retry({ backoff: exponential({ initialDelay: 50, maxDelay: 2_000, jitter: 'equal' }) });
 * ```
 * @category Retry
 */
export function exponential(options: ExponentialBackoffOptions = {}): Backoff {
  checkKnownKeys('exponential', options, ['initialDelay', 'maxDelay', 'factor', 'jitter']);
  const base = check.duration('initialDelay', options.initialDelay, DEFAULT_EXPONENTIAL_BACKOFF.initialDelay);
  const cap = check.duration('maxDelay', options.maxDelay, DEFAULT_EXPONENTIAL_BACKOFF.maxDelay, {
    allowInfinity: true,
  });
  if (cap < base) throw new InvalidOptionError('maxDelay', cap, `a number >= initialDelay (${base})`);
  const factor = check.number('factor', options.factor, DEFAULT_EXPONENTIAL_BACKOFF.factor, { min: 1 });
  const jitter = check.oneOf('jitter', options.jitter, DEFAULT_EXPONENTIAL_BACKOFF.jitter, [
    'none',
    'full',
    'equal',
    'decorrelated',
  ]);
  const ceiling = (attempt: number): number => {
    // factor ** n overflows to Infinity for large n; a zero base must still give zero, not NaN.
    if (base === 0) return 0;
    const grown = base * factor ** (attempt - 1);
    return Math.min(grown, cap);
  };
  switch (jitter) {
    case 'none':
      return { kind: 'exponential/none', next: (attempt) => ceiling(attempt) };
    case 'full':
      return {
        kind: 'exponential/full',
        next: (attempt, _previous, random) => random.next() * ceiling(attempt),
      };
    case 'equal':
      return {
        kind: 'exponential/equal',
        next: (attempt, _previous, random) => {
          const half = ceiling(attempt) / 2;
          return half + random.next() * half;
        },
      };
    case 'decorrelated':
      return {
        kind: 'exponential/decorrelated',
        next: (_attempt, previous, random) => {
          const high = Math.max(base, (previous > 0 ? previous : base) * DECORRELATED_GROWTH);
          return Math.min(cap, base + random.next() * (high - base));
        },
      };
  }
}
