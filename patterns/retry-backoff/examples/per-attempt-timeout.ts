/**
 * Retry around a per-attempt timeout, under an overall deadline: a hung attempt is cut at 300 ms
 * and retried, and no retry starts that the caller's 1 s deadline could not cover.
 */
import { VirtualClock } from '@keel/core/clock';
import { constant, retry } from '@keel/core/retry';
import { isTimeoutError, timeout } from '@keel/core/timeout';

export async function main() {
  const clock = new VirtualClock();
  const perAttempt = timeout(300, { clock });
  const policy = retry({ maxRetries: 5, backoff: constant({ delay: 50 }), clock });
  const attempts: number[] = [];
  policy.onRetry(({ attempt }) => attempts.push(attempt));
  const reasons: string[] = [];
  policy.onGiveUp(({ reason }) => reasons.push(reason));

  // A dependency that hangs until the signal aborts.
  const hangs = (signal: AbortSignal) =>
    new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

  const result = policy
    .execute((ctx) => perAttempt.execute(({ signal }) => hangs(signal), ctx), {
      deadline: clock.now() + 1_000,
    })
    .catch((error: unknown) => (isTimeoutError(error) ? 'timeout' : 'other'));
  await clock.runAllAsync();
  return { result: await result, retriedAfter: attempts, reasons, finishedAt: clock.now() };
}
