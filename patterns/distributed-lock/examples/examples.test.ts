import { probeService } from '@keel/core/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { main as fencing } from './fencing.js';
import { main as redis } from './redis.js';
import { main as withLock } from './with-lock.js';

const redisService = await probeService('redis', async () => {
  const probe = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, retryStrategy: () => null });
  try {
    await probe.connect();
    await probe.ping();
  } finally {
    probe.disconnect();
  }
});

describe('distributed lock examples', () => {
  it('fencing: the stalled holder is refused by the resource', async () => {
    expect(await fencing()).toEqual({
      tokens: { a: 1n, b: 2n },
      aSignalFired: true,
      aRefused: true,
      balance: 'written by B',
    });
  });

  it('withLock: extends a 3 s lease through 5 s of work, then releases', async () => {
    expect(await withLock()).toEqual({
      result: 'report written under token 1',
      events: [
        'acquired@0',
        'extended@1000',
        'extended@2000',
        'extended@3000',
        'extended@4000',
        'extended@5000',
        'released@5000',
      ],
    });
  });

  it.skipIf(!redisService.available)('redis: one-round-trip lock with increasing tokens', async () => {
    expect(await redis()).toEqual({ increasing: true, released: true });
  });
});
