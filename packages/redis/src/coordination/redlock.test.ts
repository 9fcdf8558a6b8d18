import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { type Clock, systemClock } from '@keel/core/clock';
import {
  type LeaseHolder,
  LeaseLockProvider,
  type LeaseStore,
  lockContract,
} from '@keel/core/distributed-lock';
import { isInvalidOptionError } from '@keel/core/errors';
import { invalidOptionField, probeService, runContract } from '@keel/core/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isRedlockLostError, isRedlockQuorumError, Redlock, type RedlockEvent } from './redlock.js';

// Three independent redis-server processes, started and stopped by this file.
const binary = await probeService('redis-server', async () => {
  const result = spawnSync('redis-server', ['--version']);
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`redis-server --version exited with ${result.status}`);
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface Instance {
  readonly port: number;
  process: ChildProcess | undefined;
  readonly client: Redis;
}

const instances: Instance[] = [];

function startServer(instance: Instance): void {
  const child = spawn(
    'redis-server',
    ['--port', String(instance.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  instance.process = child;
}

async function stopServer(instance: Instance): Promise<void> {
  const child = instance.process;
  if (!child || child.exitCode !== null) return;
  instance.process = undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

async function ready(instance: Instance): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await instance.client.ping()) === 'PONG') return;
    } catch {
      // not up yet
    }
    await sleep(25);
  }
  throw new Error(`redis-server on port ${instance.port} did not come up`);
}

const clients = () => instances.map((instance) => instance.client);
const valuesOf = (key: string) => Promise.all(instances.map((i) => i.client.get(`keel:redlock:${key}`)));
let keyNumber = 0;
const freshKey = (name: string) => `${name}-${process.pid}-${++keyNumber}`;

describe.skipIf(!binary.available)('Redlock over three redis-server processes', () => {
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const client = new Redis({
        host: '127.0.0.1',
        port,
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => 25,
      });
      client.on('error', () => undefined);
      const instance: Instance = { port, process: undefined, client };
      instances.push(instance);
      startServer(instance);
    }
    for (const instance of instances) {
      // The first connect may race the server's start; ioredis keeps retrying after a refusal.
      instance.client.connect().catch(() => undefined);
    }
    await Promise.all(instances.map(ready));
  }, 20_000);

  afterEach(async () => {
    for (const instance of instances) if (!instance.process) startServer(instance);
    await Promise.all(instances.map(ready));
  }, 20_000);

  afterAll(async () => {
    for (const instance of instances) instance.client.disconnect();
    await Promise.all(instances.map(stopServer));
  });

  const redlock = (options: ConstructorParameters<typeof Redlock>[1] = {}) =>
    new Redlock(clients(), { retryCount: 0, instanceTimeoutMs: 200, ...options });

  it('takes the lock on every instance with one random value and refuses it to others', async () => {
    const key = freshKey('quorum');
    const events: RedlockEvent[] = [];
    const locks = redlock();
    locks.events((event) => events.push(event));
    const lease = await locks.acquire(key, { ttlMs: 5_000 });
    expect(lease.held).toBe(true);
    expect(lease.value).toMatch(/^[0-9a-f]{40}$/);
    expect(await valuesOf(key)).toEqual([lease.value, lease.value, lease.value]);
    expect(await locks.holder(key)).toBe(lease.value);

    const refused = await redlock()
      .acquire(key, { ttlMs: 5_000 })
      .catch((error: unknown) => error);
    expect(isRedlockQuorumError(refused) && refused.tally).toEqual({
      granted: 0,
      refused: 3,
      failed: 0,
      quorum: 2,
    });
    expect(await valuesOf(key)).toEqual([lease.value, lease.value, lease.value]);

    expect(await lease.release()).toBe(true);
    expect(lease.signal.aborted).toBe(true);
    expect(await valuesOf(key)).toEqual([null, null, null]);
    expect(events.map((e) => e.type)).toEqual(['acquired', 'released']);
  });

  it('a lock taken by a majority of a split contention wins; the loser cleans up its minority', async () => {
    const key = freshKey('split');
    // A stranger already holds the key on one instance.
    await instances[0]!.client.set(`keel:redlock:${key}`, 'stranger', 'PX', 5_000);
    const lease = await redlock().acquire(key, { ttlMs: 5_000 });
    expect(await valuesOf(key)).toEqual(['stranger', lease.value, lease.value]);
    await lease.release();
    // Two strangers: no majority, and nothing of ours is left behind.
    await instances[1]!.client.set(`keel:redlock:${key}`, 'stranger', 'PX', 5_000);
    const error = await redlock()
      .acquire(key, { ttlMs: 5_000 })
      .catch((e: unknown) => e);
    expect(isRedlockQuorumError(error) && error.tally).toMatchObject({ granted: 1, refused: 2 });
    expect(await valuesOf(key)).toEqual(['stranger', 'stranger', null]);
  });

  it('still acquires, extends and releases with one instance killed (2 of 3)', async () => {
    const key = freshKey('one-down');
    await stopServer(instances[1]!);
    const locks = redlock();
    const lease = await locks.acquire(key, { ttlMs: 2_000 });
    expect(lease.held).toBe(true);
    const live = await Promise.all([
      instances[0]!.client.get(`keel:redlock:${key}`),
      instances[2]!.client.get(`keel:redlock:${key}`),
    ]);
    expect(live).toEqual([lease.value, lease.value]);
    const before = lease.validUntil;
    await sleep(20);
    await lease.extend();
    expect(lease.validUntil).toBeGreaterThan(before);
    expect(await lease.release()).toBe(true);
  });

  it('fails with a typed quorum error when two instances are down, leaving nothing behind', async () => {
    const key = freshKey('two-down');
    await stopServer(instances[0]!);
    await stopServer(instances[2]!);
    const error = await redlock({ retryCount: 2, retryDelayMs: 10, retryJitterMs: 10 })
      .acquire(key, { ttlMs: 2_000 })
      .catch((e: unknown) => e);
    expect(isRedlockQuorumError(error)).toBe(true);
    if (!isRedlockQuorumError(error)) return;
    expect(error.operation).toBe('acquire');
    expect(error.attempts).toBe(3);
    expect(error.tally).toEqual({ granted: 1, refused: 0, failed: 2, quorum: 2 });
    // The one instance that granted it was told to let go.
    expect(await instances[1]!.client.get(`keel:redlock:${key}`)).toBeNull();
  });

  it('validity is the TTL minus elapsed time minus the drift allowance (TTL × driftFactor + 2 ms)', async () => {
    const ttlMs = 10_000;
    for (const driftFactor of [0.01, 0.1]) {
      const locks = redlock({ driftFactor });
      const before = systemClock.now();
      const lease = await locks.acquire(freshKey('drift'), { ttlMs });
      const after = systemClock.now();
      const drift = ttlMs * driftFactor + 2;
      expect(locks.driftFor(ttlMs)).toBe(drift);
      expect(lease.validUntil).toBeGreaterThanOrEqual(before + ttlMs - drift);
      expect(lease.validUntil).toBeLessThanOrEqual(after + ttlMs - drift);
      await lease.release();
    }
  });

  it('a larger drift allowance can leave no validity after a slow round: not acquired, and undone', async () => {
    // Each reading of this clock is 60 ms later than the one before: a 100 ms TTL round "takes" 60 ms.
    let reads = 0;
    const base = systemClock.now();
    const slow: Clock = {
      now: () => base + 60 * reads++,
      setTimeout: (cb, ms) => systemClock.setTimeout(cb, ms),
    };
    const key = freshKey('slow');
    const small = await redlock({ clock: slow, driftFactor: 0.01 }).acquire(key, { ttlMs: 100 });
    // Acquired: 60 ms elapsed < 100 − 3 ms.
    expect(await valuesOf(key)).toEqual([small.value, small.value, small.value]);
    await small.release();
    reads = 0;
    const error = await redlock({ clock: slow, driftFactor: 0.4 })
      .acquire(key, { ttlMs: 100 })
      .catch((e: unknown) => e);
    // Every instance granted it, but 60 ms elapsed ≥ 100 − 42 ms of validity.
    expect(isRedlockQuorumError(error) && error.tally).toMatchObject({ granted: 3 });
    expect(await valuesOf(key)).toEqual([null, null, null]);
  });

  it('release and extension are owner-checked: a lapsed holder cannot touch its successor', async () => {
    const key = freshKey('owner');
    const locks = redlock({ driftMs: 0, driftFactor: 0 });
    const a = await locks.acquire(key, { ttlMs: 150 });
    await sleep(200);
    expect(a.held).toBe(false);
    expect(isRedlockLostError(a.signal.reason)).toBe(true);
    const b = await locks.acquire(key, { ttlMs: 5_000 });
    expect(await a.release()).toBe(false);
    expect(await locks.unlock(key, a.value)).toMatchObject({ granted: 0, refused: 3 });
    expect(await locks.extendLock(key, a.value, 5_000)).toMatchObject({ ok: false });
    await expect(a.extend()).rejects.toSatisfy(isRedlockLostError);
    expect(await locks.holder(key)).toBe(b.value);
    expect(await b.release()).toBe(true);
    expect(await locks.holder(key)).toBeUndefined();
  });

  it('an extension refused by a majority marks the lease lost', async () => {
    const key = freshKey('stolen');
    const lease = await redlock().acquire(key, { ttlMs: 5_000 });
    for (const instance of instances) await instance.client.set(`keel:redlock:${key}`, 'thief', 'PX', 5_000);
    const error = await lease.extend().catch((e: unknown) => e);
    expect(isRedlockLostError(error) && error.lossReason).toBe('rejected');
    expect(lease.held).toBe(false);
    expect(await redlock().holder(key)).toBe('thief');
  });

  it('withLock keeps extending past the TTL and releases afterwards', async () => {
    const key = freshKey('with-lock');
    const locks = redlock();
    const result = await locks.withLock(
      key,
      async (lease) => {
        await sleep(450);
        expect(lease.signal.aborted).toBe(false);
        expect(await locks.holder(key)).toBe(lease.value);
        return 'done';
      },
      { ttlMs: 300 },
    );
    expect(result).toBe('done');
    expect(await valuesOf(key)).toEqual([null, null, null]);
  });

  it('a lease has no fencing token, so the types keep it away from a fenced resource', async () => {
    const lease = await redlock().acquire(freshKey('no-token'), { ttlMs: 1_000 });
    expect('token' in lease).toBe(false);
    // @ts-expect-error a RedlockLease has no token for FencedStore.write or any LockHandle slot
    const token: bigint = lease.token;
    expect(token).toBeUndefined();
    await lease.release();
  });

  it('an abort while waiting between attempts rejects with the reason and takes nothing', async () => {
    const key = freshKey('abort');
    const holder = await redlock().acquire(key, { ttlMs: 5_000 });
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const waiting = redlock({ retryCount: 1_000, retryDelayMs: 10, retryJitterMs: 0 })
      .acquire(key, { ttlMs: 5_000, signal: controller.signal })
      .catch((e: unknown) => e);
    await sleep(60);
    controller.abort(reason);
    expect(await waiting).toBe(reason);
    expect(await valuesOf(key)).toEqual([holder.value, holder.value, holder.value]);
    await holder.release();
    const aborted = await redlock()
      .acquire(key, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(aborted).toBe(reason);
    expect(await valuesOf(key)).toEqual([null, null, null]);
  });

  it('rejects bad options naming the field', () => {
    const fields: [() => unknown, string][] = [
      [() => new Redlock([]), 'instances'],
      [() => new Redlock(clients(), { driftFactor: 0.9 }), 'driftFactor'],
      [() => new Redlock(clients(), { retryCount: 1.5 }), 'retryCount'],
      [() => new Redlock(clients(), { instanceTimeoutMs: 0 }), 'instanceTimeoutMs'],
      [() => new Redlock(clients(), { quorum: 1 } as never), 'Redlock.quorum'],
    ];
    for (const [make, field] of fields) {
      expect(invalidOptionField(make)).toBe(field);
    }
  });

  it('rejects bad acquire options naming the field', async () => {
    const locks = redlock();
    for (const [options, field] of [
      [{ ttlMs: 0 }, 'options.ttlMs'],
      [{ retryCount: -1 }, 'options.retryCount'],
      [{ extendRatio: 0.5 }, 'options.extendRatio'],
    ] as const) {
      const error = await locks.acquire('x', options as never).catch((e: unknown) => e);
      expect(isInvalidOptionError(error) && error.field).toBe(field);
    }
  });

  describe('the lock contract, for the cases Redlock can meet', () => {
    // Test-only bridge from the LeaseStore port to Redlock's quorum rounds. Its tokens come
    // from a counter in this process: they order the grants this test sees and nothing more.
    // They are no fencing tokens, which is why the contract case that demands strictly
    // increasing fencing tokens across clients is skipped below.
    class RedlockContractStore implements LeaseStore {
      private counter = 0n;
      private readonly issued = new Map<string, bigint>();
      constructor(private readonly locks: Redlock) {}
      async tryAcquire(key: string, owner: string, ttlMs: number): Promise<bigint | undefined> {
        if (!(await this.locks.tryLock(key, owner, ttlMs)).ok) return undefined;
        const token = ++this.counter;
        this.issued.set(owner, token);
        return token;
      }
      async extend(key: string, owner: string, ttlMs: number): Promise<boolean> {
        return (await this.locks.extendLock(key, owner, ttlMs)).ok;
      }
      async release(key: string, owner: string): Promise<boolean> {
        return (await this.locks.unlock(key, owner)).granted >= this.locks.quorum;
      }
      async holder(key: string): Promise<LeaseHolder | undefined> {
        const owner = await this.locks.holder(key);
        return owner === undefined ? undefined : { owner, token: this.issued.get(owner) ?? 0n };
      }
    }
    const skipped = 'issues strictly increasing fencing tokens across releases and expiries';
    if (!lockContract.cases.some((c) => c.name === skipped)) throw new Error(`no contract case "${skipped}"`);
    const applicable = { ...lockContract, cases: lockContract.cases.filter((c) => c.name !== skipped) };
    let caseNumber = 0;
    runContract({ describe, it }, 'redlock (3 instances)', applicable, () => {
      const id = ++caseNumber;
      return {
        subject: {
          store: new RedlockContractStore(redlock()),
          clock: systemClock,
          wait: sleep,
          ttlMs: 300,
          expiryGraceMs: 40,
          key: (name: string) => `contract-${process.pid}-${name}-${id}`,
        },
      };
    });
    it('the contract store drives LeaseLockProvider like any other', async () => {
      const provider = new LeaseLockProvider(new RedlockContractStore(redlock()));
      const key = freshKey('provider');
      await provider.withLock(key, async (lock) => {
        expect((await valuesOf(key)).every((v) => v === lock.owner)).toBe(true);
      });
    });
  });
});
