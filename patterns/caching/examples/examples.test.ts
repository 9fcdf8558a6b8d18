import { probeService } from '@keel/core/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { main as boundedCache } from './bounded-cache.js';
import { main as policySimulator } from './policy-simulator.js';
import { main as staleWhileRevalidate } from './stale-while-revalidate.js';
import { main as twoTierRedis } from './two-tier-redis.js';
import { main as writeBehind } from './write-behind.js';

const redis = await probeService('redis', async () => {
  const probe = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, retryStrategy: () => null });
  try {
    await probe.connect();
    await probe.ping();
  } finally {
    probe.disconnect();
  }
});

describe('caching examples', () => {
  it('bounded cache: W-TinyLFU keeps the popular pages through crawler scans, LRU does not', async () => {
    const { tinyLfu, recency } = await boundedCache();
    expect(tinyLfu.stats.totalSize).toBeLessThanOrEqual(50_000);
    expect(tinyLfu.popularStillCached).toBe(20);
    expect(recency.popularStillCached).toBe(0);
    expect(tinyLfu.stats.hitRatio).toBeGreaterThan(recency.stats.hitRatio + 0.15);
    expect(tinyLfu.stats.admissionRejections).toBeGreaterThan(0);
    expect(tinyLfu.afterTtl).toBe(0);
  });

  it('stale-while-revalidate: one call per burst, stale served at once, no waiting under steady traffic', async () => {
    const result = await staleWhileRevalidate();
    expect(result.burstPrices).toEqual([100]);
    expect(result.callsAfterBurst).toBe(1);
    expect(result.staleRead).toEqual({ value: 100, outcome: 'stale' });
    expect(result.inBackground).toBe(1);
    expect(result.refreshedRead).toEqual({ value: 120, outcome: 'fresh' });
    expect(result.steady.outcomes.loaded).toBe(0);
    expect(result.steady.outcomes.stale).toBe(0);
    expect(result.steady.calls).toBeGreaterThanOrEqual(2);
  });

  it('write-behind: coalesced batches, a failed batch retried, everything written on shutdown', async () => {
    const result = await writeBehind();
    expect(result.errors).toEqual(['connection refused (1 in a row)']);
    expect(result.batches.every((size) => size <= 5)).toBe(true);
    expect(result.database).toEqual({
      '/page/0': 61,
      '/page/1': 60,
      '/page/2': 60,
      '/page/3': 60,
      '/page/4': 60,
    });
    expect(result.unwritten).toBe(0);
  });

  it('policy simulator: W-TinyLFU ahead of LRU on every workload, none beyond optimal', async () => {
    const table = await policySimulator();
    for (const row of Object.values(table)) {
      expect(row['w-tinylfu']!).toBeGreaterThan(row['lru']! + 5);
      for (const value of Object.values(row)) expect(value).toBeLessThanOrEqual(row['optimal']!);
    }
  });

  it.skipIf(!redis.available)(
    "two-tier cache: a write by one instance invalidates the other one's L1",
    async () => {
      const result = await twoTierRedis();
      expect(result.burst).toEqual(Array(10).fill('free'));
      expect(result.fromL1).toBe('free');
      expect(result.cachedInB).toBe(true);
      expect(result.afterWrite).toBe('pro');
      expect(result.redisReads).toBe(2);
      expect(result.l1Hits).toBe(1);
    },
  );
});
