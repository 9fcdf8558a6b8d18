/**
 * A count window that treats slow answers as a symptom: among the last ten calls, once at least
 * five were seen, the circuit opens if half of them failed or 60 % took longer than 200 ms.
 */

import { circuitBreaker, countWindow } from '@keel/core/circuit-breaker';
import { VirtualClock } from '@keel/core/clock';

export async function main() {
  const clock = new VirtualClock();
  const breaker = circuitBreaker({
    clock,
    breaker: countWindow({
      size: 10,
      minimumCalls: 5,
      failureRateThreshold: 0.5,
      slowCallDurationMs: 200,
      slowCallRateThreshold: 0.6,
    }),
  });
  let openedAfter = 0;
  let rateWhenOpened = 0;
  let calls = 0;
  breaker.onBreak(() => {
    openedAfter = calls;
    rateWhenOpened = breaker.metrics.slowCallRate;
  });

  // The search service slows down under load: every answer takes longer than the one before.
  const latencies = [50, 80, 300, 350, 400, 450, 500];
  const answered: number[] = [];
  for (const latency of latencies) {
    if (breaker.state.kind !== 'closed') break;
    calls++;
    const pending = breaker.execute(
      () => new Promise<number>((resolve) => clock.setTimeout(() => resolve(latency), latency)),
    );
    await clock.advanceAsync(latency);
    answered.push(await pending);
  }
  return { answered, openedAfter, rateWhenOpened, state: breaker.state.kind };
}
