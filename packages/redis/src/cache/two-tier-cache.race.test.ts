import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { TwoTierCache } from './two-tier-cache.js';

/** Just enough of an ioredis client for the cache's coherence logic, with replies under test control. */
class FakeRedis extends EventEmitter {
  status = 'ready';
  readonly commands: string[] = [];
  readonly pendingGets: { key: string; reply: (value: string | null) => void }[] = [];
  subscriber: FakeRedis | undefined;

  duplicate(): FakeRedis {
    this.subscriber = new FakeRedis();
    this.subscriber.status = 'wait';
    return this.subscriber;
  }
  async connect(): Promise<void> {
    this.status = 'ready';
    this.emit('ready');
  }
  async client(command: string): Promise<number> {
    this.commands.push(`CLIENT ${command}`);
    return 7;
  }
  async subscribe(channel: string): Promise<number> {
    this.commands.push(`SUBSCRIBE ${channel}`);
    return 1;
  }
  async call(...args: string[]): Promise<string> {
    this.commands.push(args.join(' '));
    return 'OK';
  }
  get(key: string): Promise<string | null> {
    return new Promise((reply) => this.pendingGets.push({ key, reply }));
  }
  async set(): Promise<string> {
    return 'OK';
  }
  async del(): Promise<number> {
    return 1;
  }
  disconnect(): void {
    this.status = 'end';
  }
  /** Delivers an invalidation message as ioredis does for RESP2 (`messageBuffer`). */
  invalidate(keys: string[] | null): void {
    this.emit(
      'messageBuffer',
      Buffer.from('__redis__:invalidate'),
      keys?.map((key) => Buffer.from(key)) ?? null,
    );
  }
}

async function started() {
  const redis = new FakeRedis();
  const cache = new TwoTierCache<string>(redis as unknown as Redis, { prefix: 'p:' });
  await cache.start();
  return { redis, subscriber: redis.subscriber!, cache };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('TwoTierCache coherence', () => {
  it('enables tracking redirected to the subscriber, asking its id before subscribing', async () => {
    const { redis, subscriber, cache } = await started();
    expect(cache.state).toBe('tracking');
    expect(subscriber.commands).toEqual(['CLIENT ID', 'SUBSCRIBE __redis__:invalidate']);
    expect(redis.commands).toEqual(['CLIENT TRACKING OFF', 'CLIENT TRACKING ON REDIRECT 7 NOLOOP']);
  });

  it('does not keep a read whose key was invalidated while the reply travelled', async () => {
    const { redis, subscriber, cache } = await started();
    const read = cache.get('k');
    await settle();
    subscriber.invalidate(['p:k']);
    redis.pendingGets[0]!.reply(JSON.stringify('old'));
    expect(await read).toBe('old');
    expect(cache.hasLocal('k')).toBe(false);
    // An untouched read is kept.
    const next = cache.get('k');
    await settle();
    redis.pendingGets[1]!.reply(JSON.stringify('new'));
    expect(await next).toBe('new');
    expect(cache.hasLocal('k')).toBe(true);
  });

  it('does not keep a read that spans a flush, and a null message flushes everything', async () => {
    const { redis, subscriber, cache } = await started();
    const first = cache.get('a');
    await settle();
    redis.pendingGets[0]!.reply(JSON.stringify('A'));
    await first;
    expect(cache.hasLocal('a')).toBe(true);
    const spanning = cache.get('b');
    await settle();
    subscriber.invalidate(null);
    expect(cache.hasLocal('a')).toBe(false);
    redis.pendingGets[1]!.reply(JSON.stringify('B'));
    await spanning;
    expect(cache.hasLocal('b')).toBe(false);
  });

  it('ignores keys outside its prefix, degrades on a lost subscriber and recovers on its return', async () => {
    const { subscriber, redis, cache } = await started();
    const reasons: string[] = [];
    cache.onStateChange(({ to, reason }) => reasons.push(`${to}: ${reason}`));
    const read = cache.get('x');
    await settle();
    redis.pendingGets[0]!.reply(JSON.stringify(1));
    await read;
    subscriber.invalidate(['other:x']);
    expect(cache.hasLocal('x')).toBe(true);
    subscriber.status = 'reconnecting';
    subscriber.emit('close');
    expect(cache.state).toBe('degraded');
    expect(cache.hasLocal('x')).toBe(false);
    subscriber.status = 'ready';
    subscriber.emit('ready');
    await settle();
    expect(cache.state).toBe('tracking');
    expect(reasons).toEqual([
      'degraded: invalidation connection lost',
      'tracking: invalidation connection ready',
    ]);
    await cache.close();
    expect(cache.state).toBe('closed');
    expect(subscriber.status).toBe('end');
  });
});
