// The README's thirty-second example, kept here so `npm test` typechecks it (it is not run).
import { circuitBreaker, consecutiveFailures } from '@keel/core/circuit-breaker';
import { pipeline } from '@keel/core/pipeline';
import { exponential, retry } from '@keel/core/retry';
import { timeout } from '@keel/core/timeout';

// Outer to inner: retry up to twice, stop calling a dead service, give each try 2 seconds.
const resilient = pipeline(
  retry({ maxRetries: 2, backoff: exponential({ initialDelay: 100 }) }),
  circuitBreaker({ breaker: consecutiveFailures(5), breakDurationMs: 10_000 }),
  timeout(2_000),
);

const user = await resilient.execute(async ({ signal, attempt }) => {
  const response = await fetch('https://api.example.com/users/42', { signal });
  if (!response.ok) throw new Error(`HTTP ${response.status} on attempt ${attempt}`);
  return response.json();
});
console.log(user);
