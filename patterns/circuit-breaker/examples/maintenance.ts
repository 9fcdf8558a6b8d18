/**
 * Holding a circuit open by hand during a planned database migration, then releasing it. Calls
 * made in between are refused with `IsolatedCircuitError` and never reach the database.
 */

import { circuitBreaker, isIsolatedCircuitError } from '@keel/core/circuit-breaker';
import { VirtualClock } from '@keel/core/clock';

export async function main() {
  const breaker = circuitBreaker({ clock: new VirtualClock() });
  const log: string[] = [];
  breaker.onStateChange(({ from, to, reason }) => log.push(`${from} -> ${to} (${reason})`));
  let queries = 0;
  const query = async () => {
    queries++;
    return 'row';
  };

  const migration = breaker.isolate();
  const during = await breaker.executeResult(query);
  log.push(!during.ok && isIsolatedCircuitError(during.error) ? 'refused during migration' : 'ran');
  migration.dispose();
  log.push(`after migration: ${await breaker.execute(query)}`);
  return { log, queries };
}
