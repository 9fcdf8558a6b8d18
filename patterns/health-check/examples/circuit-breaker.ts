/**
 * Reporting a circuit breaker's state: an open circuit to a payment provider degrades the
 * instance to warn (still 200, still in rotation) instead of pulling every replica at once.
 */
import { VirtualClock } from '@keel/core/clock';
import { circuitBreakerHealthCheck, healthService, httpStatusFor } from '@keel/core/health-check';

export async function main() {
  // Any object with a `state` works, such as @keel/core's circuit breaker.
  const breaker = { state: 'closed' };
  const health = healthService({
    clock: new VirtualClock(),
    checks: [circuitBreakerHealthCheck(breaker, { name: 'payments', componentId: 'psp-eu' })],
  });

  const closed = await health.readiness();
  breaker.state = 'open';
  const open = await health.readiness();

  return {
    closed: closed.status,
    open: { status: open.status, http: httpStatusFor(open), entry: open.checks['payments:state']?.[0] },
  };
}
