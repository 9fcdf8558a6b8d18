/**
 * Refusals as values: `executeResult` never throws, so a hot path can fall back to a cached price
 * without paying for an exception each time the circuit refuses a call.
 */

import { circuitBreaker, consecutiveFailures, isCircuitRejection } from '@keel/core/circuit-breaker';
import { VirtualClock } from '@keel/core/clock';

export async function main() {
  const clock = new VirtualClock();
  const breaker = circuitBreaker({ clock, breaker: consecutiveFailures(2), breakDurationMs: 30_000 });
  let pricingCalls = 0;
  const fetchPrice = async (): Promise<number> => {
    pricingCalls++;
    throw new Error('pricing service timed out');
  };

  const cachedPrice = 9.99;
  const sources: string[] = [];
  const price = async (): Promise<number> => {
    const outcome = await breaker.executeResult(fetchPrice);
    if (outcome.ok) {
      sources.push('live');
      return outcome.value;
    }
    sources.push(isCircuitRejection(outcome.error) ? 'cache (circuit open)' : 'cache (call failed)');
    return cachedPrice;
  };

  const prices: number[] = [];
  for (let i = 0; i < 5; i++) prices.push(await price());
  return { prices, sources, pricingCalls };
}
