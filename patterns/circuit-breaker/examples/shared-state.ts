/**
 * Carrying a breaker's state across short-lived instances (a serverless function, a restarted
 * worker): one instance trips the circuit and saves a snapshot; the next one starts from it, on
 * its own clock, instead of hammering the failing dependency again.
 */

import { circuitBreaker, countWindow, isBrokenCircuitError } from '@keel/core/circuit-breaker';
import { VirtualClock } from '@keel/core/clock';

export async function main() {
  const store = new Map<string, string>();
  const options = () => ({ breaker: countWindow({ size: 20, minimumCalls: 4 }), breakDurationMs: 10_000 });
  const failing = async (): Promise<string> => {
    throw new Error('ECONNREFUSED');
  };

  // First instance: four failures trip the circuit; 2.5 s later it saves the state and exits.
  const firstClock = new VirtualClock(1_000);
  const first = circuitBreaker({ ...options(), clock: firstClock });
  for (let i = 0; i < 4; i++) await first.execute(failing).catch(() => undefined);
  firstClock.advance(2_500);
  store.set('payments', JSON.stringify(first.toJSON()));

  // Second instance, later, with a clock of another origin: only the elapsed time carries over.
  const secondClock = new VirtualClock(500_000);
  const second = circuitBreaker({
    ...options(),
    clock: secondClock,
    hydrate: JSON.parse(store.get('payments')!),
  });
  const refusal = await second.execute(async () => 'paid').catch((error: unknown) => error);
  secondClock.advance(7_500);
  const afterBreak = await second.execute(async () => 'paid');

  return {
    saved: JSON.parse(store.get('payments')!).state as string,
    retryAfterMs: isBrokenCircuitError(refusal) ? refusal.retryAfterMs : -1,
    afterBreak,
    state: second.state.kind,
  };
}
