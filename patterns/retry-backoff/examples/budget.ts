/**
 * A retry budget shared by every caller of one downstream service. During an outage, without a
 * budget each failed request would be tried four times, quadrupling the load on a service that is
 * already down; with a 10 % budget, retries add about a tenth.
 */
import { VirtualClock } from '@keel/core/clock';
import { constant, RetryBudget, retry } from '@keel/core/retry';

export async function main() {
  const clock = new VirtualClock();
  const outage = async () => {
    throw new Error('503 Service Unavailable');
  };

  async function run(budget: RetryBudget | undefined) {
    const policy = retry({ maxRetries: 3, backoff: constant({ delay: 0 }), budget, clock });
    let refused = 0;
    policy.onBudgetExhausted(() => refused++);
    let calls = 0;
    for (let request = 0; request < 200; request++) {
      await policy
        .execute(() => {
          calls++;
          return outage();
        })
        .catch(() => undefined);
    }
    return { calls, refused };
  }

  const unbudgeted = await run(undefined);
  const budgeted = await run(new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 5, clock }));
  return { unbudgeted, budgeted };
}
