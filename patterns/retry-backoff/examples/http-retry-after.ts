/**
 * Retrying HTTP 503 responses and honouring the server's Retry-After header, within the caller's
 * deadline: when the server asks for a wait the deadline cannot cover, the policy fails at once
 * instead of sleeping.
 */
import { VirtualClock } from '@keel/core/clock';
import { constant, isRetryAfterExceedsDeadlineError, parseRetryAfter, retry } from '@keel/core/retry';

/** Wall-clock epoch the virtual clock starts at, for HTTP-dates. */
const EPOCH = Date.UTC(2025, 0, 1);

export async function main() {
  const clock = new VirtualClock();
  const policy = retry({
    backoff: constant({ delay: 100 }),
    handleResult: (response) => (response as Response).status === 503,
    retryAfter: (outcome) =>
      outcome.kind === 'result'
        ? parseRetryAfter((outcome.result as Response).headers.get('retry-after'), EPOCH + clock.now())
        : undefined,
    clock,
  });
  const waits: number[] = [];
  policy.onRetry(({ delay }) => waits.push(delay));

  // A server that is busy for its first two requests and asks for 2 s, then 1 s, of patience.
  const replies = [
    new Response(null, { status: 503, headers: { 'retry-after': '2' } }),
    new Response(null, { status: 503, headers: { 'retry-after': new Date(EPOCH + 3_000).toUTCString() } }),
    new Response('done', { status: 200 }),
  ];
  const call = () => Promise.resolve(replies.shift() ?? new Response(null, { status: 500 }));

  const response = policy.execute(call, { deadline: clock.now() + 10_000 });
  await clock.runAllAsync();
  const body = await (await response).text();

  // The same server under a 1 s deadline: a 2 s Retry-After cannot be honoured in time.
  const busy = () => Promise.resolve(new Response(null, { status: 503, headers: { 'retry-after': '2' } }));
  const failFast = await policy.execute(busy, { deadline: clock.now() + 1_000 }).then(
    () => 'answered',
    (error: unknown) =>
      isRetryAfterExceedsDeadlineError(error) ? `fail fast: ${error.retryAfterMs} ms asked` : 'other',
  );

  return { body, waits, elapsed: clock.now(), failFast };
}
