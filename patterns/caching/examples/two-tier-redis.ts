/**
 * A two-tier cache: an in-process L1 in front of Redis, kept coherent by Redis client-side
 * caching. Two application instances share Redis; when one writes a key, Redis tells the other
 * (on its `__redis__:invalidate` subscription) and the other's L1 drops its copy, so the next
 * read sees the new value. Concurrent misses make one Redis read.
 */
import { TwoTierCache } from '@keel/redis';
import { Redis } from 'ioredis';

export async function main(connection = { host: '127.0.0.1', port: 6379 }) {
  const prefix = `example:two-tier:${process.pid}:`;
  const redisA = new Redis(connection);
  const redisB = new Redis(connection);
  const instanceA = new TwoTierCache<{ plan: string }>(redisA, { prefix, l1: { maxEntries: 1_000 } });
  const instanceB = new TwoTierCache<{ plan: string }>(redisB, { prefix, l1: { maxEntries: 1_000 } });
  try {
    // Neither start waits forever: an unreachable Redis rejects with TwoTierStartError.
    await Promise.all([instanceA.start({ timeout: 5_000 }), instanceB.start({ timeout: 5_000 })]);
    await instanceA.set('tenant:7', { plan: 'free' });

    // B reads: a burst of ten concurrent misses, one Redis read, then L1 serves.
    const burst = await Promise.all(Array.from({ length: 10 }, () => instanceB.get('tenant:7')));
    const fromL1 = await instanceB.get('tenant:7');
    const cachedInB = instanceB.hasLocal('tenant:7');

    // A upgrades the tenant; Redis invalidates B's copy.
    const invalidated = new Promise<void>((resolve) => {
      const subscription = instanceB.onInvalidate(({ keys }) => {
        if (keys === 'all' || keys.includes('tenant:7')) {
          subscription.dispose();
          resolve();
        }
      });
    });
    await instanceA.set('tenant:7', { plan: 'pro' });
    await invalidated;
    const afterWrite = await instanceB.get('tenant:7');
    const stats = instanceB.stats();
    console.log({ before: fromL1, afterWrite, redisReads: stats.l2Hits, l1Hits: stats.l1.hits });
    return {
      burst: burst.map((value) => value?.plan),
      fromL1: fromL1?.plan,
      cachedInB,
      afterWrite: afterWrite?.plan,
      redisReads: stats.l2Hits,
      l1Hits: stats.l1.hits,
    };
  } finally {
    await Promise.all([instanceA.delete('tenant:7'), instanceA.close(), instanceB.close()]);
    redisA.disconnect();
    redisB.disconnect();
  }
}
