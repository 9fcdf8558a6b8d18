import { check, checkKnownKeys } from '../../../options/index.js';
import type { Backoff, BackoffState } from './backoff.js';

/**
 * Options of {@link decorrelatedJitterV2}.
 * @example
 * ```ts
 * import { decorrelatedJitterV2 } from '@keel/core/retry';
 * const backoff = decorrelatedJitterV2({ meanFirstDelay: 50, maxDelay: 5_000 });
 * ```
 * @category Retry
 */
export interface DecorrelatedJitterV2Options {
  /**
   * The scale of the waits, in milliseconds: the first wait averages a little under it
   * (about 0.87 of it) and each later wait roughly doubles.
   * @default 100
   */
  readonly meanFirstDelay?: number;
  /**
   * The longest wait, in milliseconds.
   * @default 30000
   */
  readonly maxDelay?: number;
}

/**
 * The defaults of {@link DecorrelatedJitterV2Options}.
 * @example
 * ```ts
 * import { DEFAULT_DECORRELATED_JITTER_V2 } from '@keel/core/retry';
 * console.log(DEFAULT_DECORRELATED_JITTER_V2.maxDelay); // 30000
 * ```
 * @category Retry
 */
export const DEFAULT_DECORRELATED_JITTER_V2 = { meanFirstDelay: 100, maxDelay: 30_000 } as const;

/** Tuning constants of the published formula: the tanh steepness and the scaling divisor. */
const STEEPNESS = 4;
const SCALE = 1.4;

function seriesTerm(t: number): number {
  return 2 ** t * Math.tanh(Math.sqrt(STEEPNESS * t));
}

/**
 * The "decorrelated jitter V2" backoff of Polly.Contrib.WaitAndRetry (Polly issue #530): for retry
 * `i` (from 0) it draws `t = i + U[0, 1)`, computes `next = 2^t × tanh(√(4t))` and waits
 * `(next − prev) / 1.4 × meanFirstDelay`, where `prev` is the previous `next`. The waits are
 * smooth and well spread, with no clustering near zero; because the terms telescope, the
 * total waited after `n` retries is `next / 1.4 × meanFirstDelay`, which roughly doubles per
 * retry. Each wait is capped at `maxDelay`.
 *
 * The running term lives in the execution's {@link BackoffState}; called without one, a fresh
 * previous term is drawn, which keeps each wait's distribution but not the link between waits.
 *
 * @example
 * ```ts
 * import { decorrelatedJitterV2, retry } from '@keel/core/retry';
 * const policy = retry({ backoff: decorrelatedJitterV2({ meanFirstDelay: 200, maxDelay: 10_000 }) });
 * ```
 * @category Retry
 */
export function decorrelatedJitterV2(options: DecorrelatedJitterV2Options = {}): Backoff {
  checkKnownKeys('decorrelatedJitterV2', options, ['meanFirstDelay', 'maxDelay']);
  const mean = check.duration(
    'meanFirstDelay',
    options.meanFirstDelay,
    DEFAULT_DECORRELATED_JITTER_V2.meanFirstDelay,
  );
  const cap = check.duration('maxDelay', options.maxDelay, DEFAULT_DECORRELATED_JITTER_V2.maxDelay, {
    allowInfinity: true,
  });
  return {
    kind: 'decorrelated-jitter-v2',
    next: (attempt, _previous, random, state?: BackoffState) => {
      const i = attempt - 1;
      const previousTerm = state ? state.carry : i > 0 ? seriesTerm(i - 1 + random.next()) : 0;
      const term = seriesTerm(i + random.next());
      if (state) state.carry = term;
      const delay = ((term - previousTerm) / SCALE) * mean;
      // Past about 2^1024 the terms overflow to Infinity and the difference is NaN: wait the cap.
      if (!(delay < cap)) return cap;
      return Math.max(delay, 0);
    },
  };
}
