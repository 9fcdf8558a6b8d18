/**
 * One bulkhead per dependency: when the recommendations service hangs, only its pool fills up.
 * Checkout calls keep their own permits and keep succeeding, while recommendation calls beyond
 * the pool and its short queue are turned away at once instead of piling up.
 */
import { bulkhead, isBulkheadQueueTimeoutError, isBulkheadRejectedError } from '@keel/core/bulkhead';
import { VirtualClock } from '@keel/core/clock';

export async function main() {
  const clock = new VirtualClock();
  const recommendations = bulkhead({ maxConcurrent: 4, maxQueue: 2, queueTimeoutMs: 100, clock });
  const checkout = bulkhead({ maxConcurrent: 4, clock });

  const respondAfter = (ms: number, body: string) =>
    new Promise<string>((resolve) => clock.setTimeout(() => resolve(body), ms));
  // The recommendations service has stalled: each call takes 5 s.
  const recommend = () => recommendations.execute(() => respondAfter(5_000, 'recommended'));
  const pay = (order: number) => checkout.execute(() => respondAfter(20, `paid #${order}`));

  const outcomes = { recommended: 0, full: 0, queueTimeout: 0 };
  const recommendationCalls = Array.from({ length: 10 }, () =>
    recommend().then(
      () => outcomes.recommended++,
      (error: unknown) => {
        if (isBulkheadRejectedError(error)) outcomes.full++;
        else if (isBulkheadQueueTimeoutError(error)) outcomes.queueTimeout++;
        else throw error;
      },
    ),
  );
  const duringStall = recommendations.stats();

  const payments: string[] = [];
  for (let order = 1; order <= 3; order++) {
    const paid = pay(order);
    await clock.advanceAsync(20);
    payments.push(await paid);
  }
  const paymentsDoneAt = clock.now();
  await clock.runAllAsync();
  await Promise.all(recommendationCalls);

  return { duringStall, outcomes, payments, paymentsDoneAt };
}
