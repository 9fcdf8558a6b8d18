/**
 * A per-client GCRA limit in front of an API handler, advertised with the RateLimit-Policy and
 * RateLimit header fields (draft-ietf-httpapi-ratelimit-headers). A client sends a burst; the
 * server answers 200 while the burst lasts and 429 with Retry-After afterwards; the client reads
 * the headers back and waits as told before its next request succeeds.
 */
import { VirtualClock } from '@keel/core/clock';
import {
  formatRateLimitHeaders,
  gcra,
  isRateLimitedError,
  parseRateLimitHeaders,
  type RateLimitHeaders,
  rateLimiter,
} from '@keel/core/rate-limiter';

interface Response {
  status: number;
  headers: RateLimitHeaders;
}

export async function main() {
  const clock = new VirtualClock();
  // 2 requests per second on average, bursts of 5.
  const limiter = gcra({ ratePerSecond: 2, burst: 5, clock, name: 'per-client' });

  const handle = (clientId: string): Response => {
    const decision = limiter.tryAcquire(clientId);
    return {
      status: decision.allowed ? 200 : 429,
      headers: formatRateLimitHeaders(decision, limiter.policy),
    };
  };

  const burst = Array.from({ length: 7 }, () => handle('client-a'));
  const last = burst[burst.length - 1]!;
  const advice = parseRateLimitHeaders(last.headers);
  await clock.advanceAsync((advice.retryAfterSeconds ?? 0) * 1000);
  const afterWaiting = handle('client-a');
  const otherClient = handle('client-b');

  // The same limiter as a policy around outgoing calls: reject rather than wait.
  const policy = rateLimiter(gcra({ ratePerSecond: 1, burst: 1, clock }), { key: 'reports' });
  await policy.execute(() => 'first report');
  const second = await policy
    .execute(() => 'second report')
    .catch((error: unknown) =>
      isRateLimitedError(error) ? `rejected, retry after ${error.retryAfterMs} ms` : 'unexpected',
    );

  return {
    statuses: burst.map((response) => response.status),
    lastHeaders: last.headers,
    advice,
    afterWaiting: afterWaiting.status,
    otherClient: otherClient.status,
    second,
  };
}
