import { EventEmitter } from 'node:events';
import { VirtualClock } from '@keel/core/clock';
import { isInvalidOptionError } from '@keel/core/errors';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isTwoTierStartError, type TwoTierStartError } from './errors.js';
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
    this.emit('end');
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

/** A Redis whose connections never become ready (a host that does not answer). */
class UnreachableRedis extends FakeRedis {
  override status = 'connecting';
  connectCalls = 0;
  override duplicate(): FakeRedis {
    const subscriber = new UnreachableRedis();
    subscriber.status = 'wait';
    this.subscriber = subscriber;
    return subscriber;
  }
  override connect(): Promise<void> {
    this.connectCalls++;
    this.status = 'connecting';
    this.emit('error', new Error('connect ETIMEDOUT'));
    return new Promise(() => {});
  }
}

describe('TwoTierCache start', () => {
  async function rejection(promise: Promise<unknown>): Promise<unknown> {
    try {
      await promise;
    } catch (error) {
      return error;
    }
    throw new Error('start resolved');
  }

  it('gives up after the timeout, names what was not ready, lets go of the subscriber and can start again', async () => {
    const clock = new VirtualClock();
    const redis = new UnreachableRedis();
    const cache = new TwoTierCache<string>(redis as unknown as Redis, { clock });
    const states: string[] = [];
    cache.onStateChange(({ to, reason }) => states.push(`${to}: ${reason}`));
    const starting = rejection(cache.start({ timeout: 2_000 }));
    await clock.advanceAsync(1_999);
    expect(cache.state).toBe('degraded');
    await clock.advanceAsync(1);
    const error = (await starting) as TwoTierStartError;
    expect(isTwoTierStartError(error)).toBe(true);
    expect(error.stage).toBe('invalidation connection');
    expect(error.reason).toBe('timeout');
    expect(error.timeoutMs).toBe(2_000);
    expect((error.cause as Error).message).toBe('connect ETIMEDOUT');
    expect(error.message).toContain('invalidation connection was not ready');
    expect(cache.state).toBe('idle');
    expect(states).toEqual(['degraded: starting', 'idle: start failed']);
    const first = redis.subscriber!;
    expect(first.status).toBe('end');
    expect(
      first.listenerCount('ready') + first.listenerCount('close') + first.listenerCount('messageBuffer'),
    ).toBe(0);
    expect(redis.listenerCount('ready') + redis.listenerCount('close') + redis.listenerCount('end')).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    // The data connection was already connecting: start left it alone.
    expect(redis.connectCalls).toBe(0);
    // A second attempt makes a new subscriber and fails the same way.
    const again = rejection(cache.start({ timeout: 500 }));
    await clock.advanceAsync(500);
    expect(isTwoTierStartError(await again)).toBe(true);
    expect(redis.subscriber).not.toBe(first);
  });

  it('names the data connection when the invalidation connection is ready but the data connection is not', async () => {
    const clock = new VirtualClock();
    const redis = new UnreachableRedis();
    redis.status = 'wait';
    const subscriber = new FakeRedis();
    subscriber.status = 'wait';
    const cache = new TwoTierCache<string>(redis as unknown as Redis, {
      clock,
      createSubscriber: () => subscriber as unknown as Redis,
    });
    const starting = rejection(cache.start({ timeout: 1_000 }));
    await clock.advanceAsync(1_000);
    const error = (await starting) as TwoTierStartError;
    expect(error.stage).toBe('data connection');
    expect((error.cause as Error).message).toBe('connect ETIMEDOUT');
    expect(redis.connectCalls).toBe(1);
    expect(subscriber.status).toBe('end');
  });

  it('names tracking when both connections are ready but Redis refuses CLIENT TRACKING', async () => {
    const clock = new VirtualClock();
    const redis = new FakeRedis();
    redis.call = async () => {
      throw new Error("ERR unknown subcommand 'TRACKING'");
    };
    const cache = new TwoTierCache<string>(redis as unknown as Redis, { clock });
    const starting = rejection(cache.start({ timeout: 1_000 }));
    await clock.advanceAsync(1_000);
    const error = (await starting) as TwoTierStartError;
    expect(error.stage).toBe('tracking');
    expect(error.message).toContain('TRACKING');
  });

  it('fails at once when a connection ends for good, without waiting for the timeout', async () => {
    const clock = new VirtualClock();
    const redis = new UnreachableRedis();
    const cache = new TwoTierCache<string>(redis as unknown as Redis, { clock });
    const starting = rejection(cache.start({ timeout: 60_000 }));
    await clock.advanceAsync(0);
    redis.status = 'end';
    redis.emit('end');
    const error = (await starting) as TwoTierStartError;
    expect(error.reason).toBe('connection ended');
    expect(error.stage).toBe('data connection');
    expect(clock.now()).toBe(0);
    expect(cache.state).toBe('idle');
  });

  it('rejects with the abort reason, shares a start between concurrent callers and waits without limit on Infinity', async () => {
    const clock = new VirtualClock();
    const redis = new UnreachableRedis();
    const cache = new TwoTierCache<string>(redis as unknown as Redis, { clock });
    const controller = new AbortController();
    const starting = rejection(cache.start({ signal: controller.signal, timeout: Number.POSITIVE_INFINITY }));
    const second = rejection(cache.start());
    expect(clock.pendingTimers).toBe(0);
    await clock.advanceAsync(3_600_000);
    controller.abort(new Error('shutting down'));
    expect(((await starting) as Error).message).toBe('shutting down');
    expect(((await second) as Error).message).toBe('shutting down');
    expect(cache.state).toBe('idle');
    const aborted = await rejection(cache.start({ signal: AbortSignal.abort() }));
    expect((aborted as Error).name).toBe('AbortError');
    expect(redis.subscriber?.status).toBe('end');
  });

  it('rejects bad options with the field named, before connecting anything', async () => {
    const redis = new FakeRedis();
    const cache = new TwoTierCache<string>(redis as unknown as Redis);
    for (const [field, options] of [
      ['timeout', { timeout: 0 }],
      ['signal', { signal: 'now' }],
      ['start.retries', { retries: 3 }],
    ] as const) {
      const caught = await rejection(cache.start(options as never));
      expect(isInvalidOptionError(caught), field).toBe(true);
      expect((caught as { field: string }).field).toBe(field);
    }
    expect(redis.subscriber).toBeUndefined();
    expect(cache.state).toBe('idle');
  });
});
