/**
 * A cooperative timeout: the operation reads its signal, stops at the limit, and the caller gets
 * the TimeoutError. Runs on a virtual clock, so it takes no real time.
 */
import { VirtualClock } from '@keel/core/clock';
import { isTimeoutError, timeout } from '@keel/core/timeout';

/** Pretends to query a slow replica: answers after `ms`, or gives up when the signal aborts. */
function queryReplica(clock: VirtualClock, ms: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => resolve('rows'), ms);
    signal.addEventListener('abort', () => {
      timer.clear();
      reject(signal.reason);
    });
  });
}

export async function main() {
  const clock = new VirtualClock();
  const policy = timeout(200, { clock });
  const timeouts: number[] = [];
  policy.onTimeout(({ elapsedMs }) => timeouts.push(elapsedMs));

  const fast = policy.execute(({ signal }) => queryReplica(clock, 50, signal));
  const slow = policy
    .execute(({ signal }) => queryReplica(clock, 5_000, signal))
    .catch((error: unknown) =>
      isTimeoutError(error) ? `timed out after ${error.timeoutMs} ms` : 'other error',
    );

  await clock.runAllAsync();
  return { fast: await fast, slow: await slow, timeouts, finishedAt: clock.now() };
}
