/**
 * The same lock on a real Redis: acquisition, extension and release are each one round trip
 * (one EVALSHA), and every acquisition draws a fresh fencing token from a counter beside the
 * key. Needs Redis on 127.0.0.1:6379.
 */

import { LeaseLockProvider } from '@keel/core/distributed-lock';
import { RedisLeaseStore } from '@keel/redis';
import { Redis } from 'ioredis';

export async function main(key = `example:${Date.now()}`) {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
  try {
    const locks = new LeaseLockProvider(new RedisLeaseStore(redis, { prefix: 'keel:example:lock:' }));
    const first = await locks.acquire(key, { ttlMs: 5_000 });
    await first.extend(10_000);
    await first.release();
    const second = await locks.withLock(key, (lock) => lock.token, { ttlMs: 5_000 });
    await redis.del(`keel:example:lock:{${key}}:fence`);
    return { increasing: second > first.token, released: !first.held };
  } finally {
    redis.disconnect();
  }
}
