import { hasErrorCode, KeelError } from '../../errors/index.js';

/**
 * The abort reason given to a hedged attempt that is no longer needed because another attempt
 * decided the call (usually by succeeding first). It tells a loser's cleanup apart from a
 * caller's cancellation or a timeout.
 *
 * @example
 * ```ts
 * import { isHedgeLostError } from '@keel/core/hedging';
 * async function fetchPart(signal: AbortSignal): Promise<string> {
 *   try {
 *     return await (await fetch('https://example.com', { signal })).text();
 *   } catch (error) {
 *     if (isHedgeLostError(signal.reason)) return ''; // another attempt already answered
 *     throw error;
 *   }
 * }
 * console.log(typeof fetchPart);
 * ```
 * @category Resilience
 */
export class HedgeLostError extends KeelError {
  override readonly name = 'HedgeLostError' as const;
  readonly code = 'KEEL_HEDGE_LOST' as const;
  constructor(
    /** The attempt that was abandoned (1 is the primary). */
    readonly attempt: number,
    /** The attempt whose outcome decided the call. */
    readonly winner: number,
  ) {
    super(`Hedged attempt ${attempt} abandoned: attempt ${winner} decided the call`);
  }
}

/**
 * True when `error` is a {@link HedgeLostError}.
 *
 * @example
 * ```ts
 * import { HedgeLostError, isHedgeLostError } from '@keel/core/hedging';
 * console.log(isHedgeLostError(new HedgeLostError(1, 2))); // true
 * ```
 * @category Resilience
 */
export const isHedgeLostError = (error: unknown): error is HedgeLostError =>
  hasErrorCode(error, 'KEEL_HEDGE_LOST');
