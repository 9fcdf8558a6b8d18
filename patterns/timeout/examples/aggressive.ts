/**
 * An aggressive timeout releases the caller at the limit even when the operation ignores its
 * signal (a legacy client library, say). The operation keeps running in the background.
 */
import { VirtualClock } from '@keel/core/clock';
import { isTimeoutError, timeout } from '@keel/core/timeout';

export async function main() {
  const clock = new VirtualClock();
  const policy = timeout(100, { clock, mode: 'aggressive' });
  let legacyFinishedAt: number | undefined;

  // This operation never looks at the signal.
  const legacyCall = () =>
    new Promise<string>((resolve) =>
      clock.setTimeout(() => {
        legacyFinishedAt = clock.now();
        resolve('finally');
      }, 1_000),
    );

  let releasedAt: number | undefined;
  const outcome = policy.execute(legacyCall).catch((error: unknown) => {
    releasedAt = clock.now();
    return isTimeoutError(error) ? 'timeout' : 'other';
  });

  await clock.runAllAsync();
  return { outcome: await outcome, releasedAt, legacyFinishedAt };
}
