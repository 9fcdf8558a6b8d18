import { describe, expect, it } from 'vitest';
import { main as adaptiveLimit } from './adaptive-limit.js';
import { main as isolatedPools } from './isolated-pools.js';
import { main as rateLimitHeaders } from './rate-limit-headers.js';

describe('bulkhead examples', () => {
  it('isolated pools: a stalled dependency fills only its own pool', async () => {
    const { duringStall, outcomes, payments, paymentsDoneAt } = await isolatedPools();
    expect(duringStall).toEqual({ executing: 4, queued: 2, available: 0, limit: 4, maxQueue: 2 });
    // 4 run (slowly), 2 wait and time out after 100 ms, 4 are turned away at once.
    expect(outcomes).toEqual({ recommended: 4, full: 4, queueTimeout: 2 });
    expect(payments).toEqual(['paid #1', 'paid #2', 'paid #3']);
    // Three sequential 20 ms payments, untouched by the stall.
    expect(paymentsDoneAt).toBe(60);
  });

  it('adaptive limit: cut while latency climbs, restored once it recovers', async () => {
    const { healthy, lowestWhileDegrading, degraded, recovered, rejected } = await adaptiveLimit();
    expect(healthy).toBe(50);
    expect(lowestWhileDegrading).toBeLessThan(20);
    expect(degraded).toBeLessThan(healthy);
    expect(recovered).toBe(50);
    expect(rejected).toBeGreaterThan(0);
  });

  it('rate-limit headers: burst, 429 with Retry-After, then success after waiting', async () => {
    const result = await rateLimitHeaders();
    expect(result.statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(result.lastHeaders).toEqual({
      'RateLimit-Policy': '"per-client";q=5;w=3',
      RateLimit: '"per-client";r=0;t=3',
      'Retry-After': '1',
    });
    expect(result.advice).toEqual({
      policies: [{ name: 'per-client', quota: 5, windowSeconds: 3 }],
      limits: [{ name: 'per-client', remaining: 0, resetSeconds: 3 }],
      legacy: false,
      retryAfterSeconds: 1,
    });
    expect(result.afterWaiting).toBe(200);
    expect(result.otherClient).toBe(200);
    expect(result.second).toBe('rejected, retry after 1000 ms');
  });
});
