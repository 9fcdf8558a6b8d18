/**
 * A breaker in front of a flaky inventory service: three failures in a row open it, calls are
 * refused while it is open, and the first call after the break probes the service and closes
 * the circuit again. A virtual clock makes the run instant and repeatable.
 */

import { circuitBreaker, consecutiveFailures, isBrokenCircuitError } from '@keel/core/circuit-breaker';
import { VirtualClock } from '@keel/core/clock';

export async function main() {
  const clock = new VirtualClock();
  const breaker = circuitBreaker({ breaker: consecutiveFailures(3), breakDurationMs: 1_000, clock });
  const transitions: string[] = [];
  breaker.onStateChange(({ from, to, reason }) => transitions.push(`${from} -> ${to} (${reason})`));

  let healthy = false;
  let calls = 0;
  const readStock = async () => {
    calls++;
    if (!healthy) throw new Error('503 Service Unavailable');
    return { sku: 'A-1', stock: 4 };
  };

  const results: string[] = [];
  const attempt = async () => {
    try {
      const item = await breaker.execute(readStock);
      results.push(`stock ${item.stock}`);
    } catch (error) {
      results.push(
        isBrokenCircuitError(error) ? `refused, retry in ${error.retryAfterMs} ms` : String(error),
      );
    }
  };

  for (let i = 0; i < 4; i++) await attempt(); // three failures, then a refusal
  clock.advance(400);
  await attempt(); // still open
  clock.advance(600);
  healthy = true;
  await attempt(); // the probe succeeds and closes the circuit
  return { results, transitions, calls };
}
