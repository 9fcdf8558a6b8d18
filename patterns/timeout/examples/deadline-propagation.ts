/**
 * Deadline propagation between services, gRPC style: the caller sends the time it has left in a
 * `grpc-timeout` header; the callee turns it into its own deadline (clamped to its own maximum),
 * so it stops working for a caller that has already given up.
 */
import { VirtualClock } from '@keel/core/clock';
import { deadlineFromHeaders, deadlineToHeaders, isTimeoutError, timeout } from '@keel/core/timeout';

export async function main() {
  const clock = new VirtualClock();

  // The callee: honours the caller's deadline, never grants more than 10 s, and does 400 ms of work.
  async function inventoryService(headers: Record<string, string>) {
    const deadline = deadlineFromHeaders(headers, clock, { maxMs: 10_000 });
    const work = timeout(Number.POSITIVE_INFINITY, { clock });
    return work
      .execute(
        ({ signal }) =>
          new Promise<string>((resolve, reject) => {
            const timer = clock.setTimeout(() => resolve('in stock'), 400);
            signal.addEventListener('abort', () => {
              timer.clear();
              reject(signal.reason);
            });
          }),
        { deadline },
      )
      .catch((error: unknown) => (isTimeoutError(error) ? 'gave up with the caller' : 'failed'));
  }

  // The caller: a 1 s budget for the whole request, of which 700 ms are already spent elsewhere.
  const requestDeadline = clock.now() + 1_000;
  clock.advance(700);
  const headers = deadlineToHeaders(requestDeadline, clock);
  const answer = inventoryService(headers);
  await clock.runAllAsync();
  return { header: headers['grpc-timeout'], answer: await answer, stoppedAt: clock.now() };
}
