import { systemClock } from '@keel/core/clock';
import {
  FencedStore,
  isLockLostError,
  isStaleFencingTokenError,
  LeaseLockProvider,
  lockContract,
} from '@keel/core/distributed-lock';
import { electionContract } from '@keel/core/leader-election';
import { registryContract } from '@keel/core/service-discovery';
import { invalidOptionField, probeService, runContract } from '@keel/core/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { LuaScript } from './lua-script.js';
import { RedisLeaseStore } from './redis-lease-store.js';
import { RedisRegistryStore } from './redis-registry-store.js';

const connection = { host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 } as const;
const run = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const prefix = `keel:test:lock:${run}:`;

const service = await probeService('redis', async () => {
  const probe = new Redis({ ...connection, retryStrategy: () => null });
  try {
    await probe.connect();
    await probe.ping();
  } finally {
    probe.disconnect();
  }
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const clients: Redis[] = [];
function client(options: { retryStrategy?: () => null } = {}): Redis {
  const redis = new Redis({ ...connection, lazyConnect: false, ...options });
  redis.on('error', () => undefined);
  clients.push(redis);
  return redis;
}

afterAll(async () => {
  if (service.available) {
    const cleaner = new Redis(connection);
    let cursor = '0';
    do {
      const [next, keys] = await cleaner.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await cleaner.del(...keys);
    } while (cursor !== '0');
    cleaner.disconnect();
  }
  for (const redis of clients) redis.disconnect();
});

let caseNumber = 0;
const liveSubject = () => {
  const store = new RedisLeaseStore(client(), { prefix });
  const id = ++caseNumber;
  return {
    store,
    clock: systemClock,
    wait: sleep,
    key: (name: string) => `${name}-${id}`,
  };
};

describe.skipIf(!service.available)('RedisLeaseStore against a live Redis', () => {
  runContract({ describe, it }, 'redis', lockContract, () => ({
    subject: { ...liveSubject(), ttlMs: 300, expiryGraceMs: 40 },
  }));

  runContract({ describe, it }, 'redis', electionContract, () => ({
    subject: { ...liveSubject(), leaseDurationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 100 },
  }));

  runContract({ describe, it }, 'redis', registryContract, () => {
    const { key, ...rest } = liveSubject();
    return {
      subject: {
        ...rest,
        store: new RedisRegistryStore(client(), { prefix }),
        key: (name: string) => `svc-${key(name)}`,
        ttlMs: 300,
        expiryGraceMs: 40,
      },
    };
  });

  it('acquires, extends and releases in exactly one round trip each', async () => {
    const redis = client();
    const store = new RedisLeaseStore(redis, { prefix });
    const locks = new LeaseLockProvider(store);
    // Warm up: the scripts are cached by the server after their first use anywhere.
    await (await locks.acquire('round-trips-warm')).release();
    await redis.ping();
    const source = `${redis.stream.localAddress}:${redis.stream.localPort}`;
    const monitor = await new Redis(connection).monitor();
    const seen: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[], from: string) => {
      if (from === source) seen.push(args);
    });
    // ECHO markers delimit each operation in the MONITOR stream, which lags behind replies.
    const marker = async (text: string): Promise<void> => {
      await redis.echo(text);
      while (!seen.some((args) => args[0]?.toLowerCase() === 'echo' && args[1] === text)) await sleep(5);
    };
    let markers = 0;
    const counted = async (operation: () => Promise<unknown>): Promise<string[]> => {
      await marker(`start-${++markers}`);
      seen.length = 0;
      await operation();
      await marker(`end-${markers}`);
      return seen.filter((args) => args[0]?.toLowerCase() !== 'echo').map((args) => args[0]!.toLowerCase());
    };
    let lock = await locks.acquire('warm-again');
    await lock.release();
    expect(await counted(async () => (lock = await locks.acquire('round-trips')))).toEqual(['evalsha']);
    expect(await counted(() => lock.extend())).toEqual(['evalsha']);
    expect(await counted(() => lock.release())).toEqual(['evalsha']);
    monitor.disconnect();
  });

  it('falls back to EVAL when the server does not know a script', async () => {
    const redis = client();
    const script = new LuaScript('return ARGV[1]', 0, '0000000000000000000000000000000000000000');
    expect(await script.run(redis, ['hello'])).toBe('hello');
    await expect(new LuaScript('return redis.call("NOPE")', 0).run(redis, [])).rejects.toThrow();
  });

  it('rejects unknown options', () => {
    expect(invalidOptionField(() => new RedisLeaseStore(client(), { prefx: 'x' } as never))).toBe(
      'RedisLeaseStore.prefx',
    );
  });

  it('live safety run: tokens unique and increasing, no two holders at once, stale writes refused', async () => {
    const resource = new FencedStore<number>();
    const tokens: bigint[] = [];
    const current: ({ held: boolean } | undefined)[] = [];
    let liveHoldersAtGrant = 0;
    let accepted = 0;
    let refused = 0;
    const worker = async (index: number): Promise<void> => {
      const locks = new LeaseLockProvider(new RedisLeaseStore(client(), { prefix }), {
        defaults: { ttlMs: 80, waitMs: 20_000, retry: { delayMs: 5, maxDelayMs: 20 } },
      });
      const zombie = index % 2 === 1;
      for (let round = 0; round < 15; round++) {
        const lock = await locks.acquire('live-safety');
        tokens.push(lock.token);
        current.forEach((other, i) => {
          if (i !== index && other?.held) liveHoldersAtGrant++;
        });
        current[index] = lock;
        await sleep(Math.floor(Math.random() * 120));
        if (zombie || lock.held) {
          try {
            resource.update('n', lock.token, (n) => (n ?? 0) + 1);
            accepted++;
          } catch (error) {
            if (!isStaleFencingTokenError(error)) throw error;
            refused++;
          }
        }
        current[index] = undefined;
        await lock.release();
      }
    };
    await Promise.all([0, 1, 2, 3].map(worker));
    expect(tokens).toHaveLength(60);
    expect(new Set(tokens).size).toBe(60);
    expect(tokens.every((t, i) => i === 0 || t > tokens[i - 1]!)).toBe(true);
    expect(liveHoldersAtGrant).toBe(0);
    expect(accepted + refused).toBeGreaterThan(0);
  }, 60_000);

  describe('faults', () => {
    it('a holder whose event loop stalls past its lease is fenced off by the next holder', async () => {
      const fenced = new FencedStore<string>();
      const a = await new LeaseLockProvider(new RedisLeaseStore(client(), { prefix })).acquire('stall', {
        ttlMs: 150,
      });
      const until = performance.now() + 250;
      while (performance.now() < until) {
        // The event loop is blocked: no timer, no I/O.
      }
      expect(a.signal.aborted).toBe(true);
      const b = await new LeaseLockProvider(new RedisLeaseStore(client(), { prefix })).acquire('stall', {
        ttlMs: 5_000,
      });
      expect(b.token).toBeGreaterThan(a.token);
      fenced.write('row', b.token, 'b');
      // The stalled holder ignores its signal and writes anyway: the resource refuses it.
      expect(() => fenced.write('row', a.token, 'a')).toThrow(
        expect.objectContaining({ highestToken: b.token }),
      );
      expect(fenced.read('row')?.value).toBe('b');
      await b.release();
    });

    it('a holder whose connection is killed loses the lock before the next holder can take it', async () => {
      const admin = client();
      const victim = client({ retryStrategy: () => null });
      await victim.ping();
      const victimId = await victim.client('ID');
      const locks = new LeaseLockProvider(new RedisLeaseStore(victim, { prefix }));
      const fenced = new FencedStore<string>();
      let lostAt = Number.NaN;
      const work = locks.withLock(
        'killed',
        async (lock) => {
          fenced.write('row', lock.token, 'a');
          await admin.client('KILL', 'ID', String(victimId));
          await new Promise<void>((resolve) =>
            lock.signal.addEventListener('abort', () => {
              lostAt = performance.now();
              resolve();
            }),
          );
          return lock;
        },
        { ttlMs: 300 },
      );
      const lock = await work;
      expect(isLockLostError(lock.signal.reason)).toBe(true);
      expect(lock.signal.reason).toMatchObject({ lossReason: 'expired' });
      const next = await new LeaseLockProvider(new RedisLeaseStore(client(), { prefix })).acquire('killed', {
        ttlMs: 2_000,
        waitMs: 2_000,
      });
      expect(performance.now()).toBeGreaterThanOrEqual(lostAt);
      expect(next.token).toBeGreaterThan(lock.token);
      fenced.write('row', next.token, 'b');
      let stale: unknown;
      try {
        fenced.write('row', lock.token, 'late a');
      } catch (e) {
        stale = e;
      }
      expect(isStaleFencingTokenError(stale)).toBe(true);
      await next.release();
    });

    it('a paused server makes the holder give up on time, and a late extension does not revive it', async () => {
      const admin = client();
      const store = new RedisLeaseStore(client(), { prefix });
      const lock = await new LeaseLockProvider(store).acquire('paused', { ttlMs: 300 });
      // Only writes are paused (Redis >= 6.2), for under a second: other suites share the server.
      await admin.client('PAUSE', 500, 'WRITE');
      const extending = lock.extend().then(
        () => 'extended',
        (error: unknown) => error,
      );
      await new Promise<void>((resolve) => lock.signal.addEventListener('abort', () => resolve()));
      expect(lock.signal.reason).toMatchObject({ lossReason: 'expired' });
      const outcome = await extending;
      expect(isLockLostError(outcome)).toBe(true);
      expect(lock.held).toBe(false);
      await admin.client('UNPAUSE');
      await store.release('paused', lock.owner);
    });
  });
});
