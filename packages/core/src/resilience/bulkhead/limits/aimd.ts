import { check, checkKnownKeys } from '../../../options/index.js';
import { checkLimitBounds, type Limit, type LimitSample } from './limit.js';

/**
 * Options of {@link aimd}.
 * @category Bulkhead
 */
export interface AimdOptions {
  /** The limit before any sample arrives. @default 10 */
  readonly initialLimit?: number;
  /** The limit never goes below this. @default 1 */
  readonly minLimit?: number;
  /** The limit never goes above this. @default 200 */
  readonly maxLimit?: number;
  /** Factor applied to the limit on a drop, in [0.5, 1). @default 0.9 */
  readonly backoffRatio?: number;
  /** A call slower than this counts as a drop even if it succeeded. @default 5000 */
  readonly timeoutMs?: number;
}

/**
 * Defaults of {@link aimd}, the same as Netflix concurrency-limits' `AIMDLimit` except for the
 * bounds, which that library leaves to the caller.
 *
 * @example
 * ```ts
 * import { aimd, DEFAULT_AIMD_OPTIONS } from '@keel/core/bulkhead';
 * const limit = aimd({ maxLimit: DEFAULT_AIMD_OPTIONS.maxLimit / 2 });
 * console.log(limit.current === DEFAULT_AIMD_OPTIONS.initialLimit); // true
 * ```
 * @category Bulkhead
 */
export const DEFAULT_AIMD_OPTIONS = {
  initialLimit: 10,
  minLimit: 1,
  maxLimit: 200,
  backoffRatio: 0.9,
  timeoutMs: 5_000,
} as const;

const KNOWN = Object.keys(DEFAULT_AIMD_OPTIONS);

class AimdLimit implements Limit {
  private limit: number;
  constructor(
    private readonly minLimit: number,
    private readonly maxLimit: number,
    private readonly backoffRatio: number,
    private readonly timeoutMs: number,
    initial: number,
  ) {
    this.limit = initial;
  }

  get current(): number {
    return this.limit;
  }

  update({ rttMs, inflight, didDrop }: LimitSample): number {
    let next = this.limit;
    if (didDrop || rttMs > this.timeoutMs) next = Math.floor(next * this.backoffRatio);
    // Grow only when the limit is actually being used; an idle service proves nothing.
    else if (inflight * 2 >= next) next = next + 1;
    this.limit = Math.min(this.maxLimit, Math.max(this.minLimit, next));
    return this.limit;
  }
}

/**
 * Additive increase, multiplicative decrease: +1 after each success while at least half the
 * limit is in use, times `backoffRatio` after a drop or a call slower than `timeoutMs`. Loss
 * based, like TCP Reno; it ignores latency below the timeout. Semantics follow
 * Netflix concurrency-limits' `AIMDLimit`.
 *
 * @example
 * ```ts
 * import { adaptiveBulkhead, aimd } from '@keel/core/bulkhead';
 * const pool = adaptiveBulkhead(aimd({ initialLimit: 20, backoffRatio: 0.5 }));
 * await pool.execute(() => 'ok');
 * ```
 * @category Bulkhead
 */
export function aimd(options: AimdOptions = {}): Limit {
  checkKnownKeys('aimd', options, KNOWN);
  const d = DEFAULT_AIMD_OPTIONS;
  const minLimit = check.integer('aimd.minLimit', options.minLimit, d.minLimit, { min: 1 });
  const maxLimit = check.integer('aimd.maxLimit', options.maxLimit, d.maxLimit, { min: 1 });
  const initial = check.integer('aimd.initialLimit', options.initialLimit, d.initialLimit, { min: 1 });
  checkLimitBounds('aimd', minLimit, maxLimit, initial);
  const backoffRatio = check.number('aimd.backoffRatio', options.backoffRatio, d.backoffRatio, {
    min: 0.5,
    max: 0.999_999,
  });
  const timeoutMs = check.duration('aimd.timeoutMs', options.timeoutMs, d.timeoutMs, {
    above: 0,
    allowInfinity: true,
  });
  return new AimdLimit(minLimit, maxLimit, backoffRatio, timeoutMs, initial);
}
