/**
 * Retrying a flaky call with exponential backoff and full jitter. A seeded random and a virtual
 * clock make the run repeatable and instant.
 */
import { VirtualClock } from '@keel/core/clock';
import { seededRandom } from '@keel/core/random';
import { exponential, retry } from '@keel/core/retry';

export async function main() {
  const clock = new VirtualClock();
  const policy = retry({
    maxRetries: 4,
    backoff: exponential({ initialDelay: 100, maxDelay: 2_000, jitter: 'full' }),
    clock,
    random: seededRandom('retry-example'),
  });
  const waits: number[] = [];
  policy.onRetry(({ delay }) => waits.push(Math.round(delay)));

  // Fails twice with a connection reset, then answers.
  let calls = 0;
  const readProfile = async () => {
    calls++;
    if (calls <= 2) throw new Error('ECONNRESET');
    return { id: 7, name: 'Ada' };
  };

  const profile = policy.execute(readProfile);
  await clock.runAllAsync();
  return { profile: await profile, calls, waits, elapsed: clock.now() };
}
