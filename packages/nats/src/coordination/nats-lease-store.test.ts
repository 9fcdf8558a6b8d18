import { systemClock } from '@keel/core/clock';
import { LeaseLockProvider, lockContract } from '@keel/core/distributed-lock';
import { isInvalidOptionError } from '@keel/core/errors';
import { electionContract } from '@keel/core/leader-election';
import { registryContract } from '@keel/core/service-discovery';
import { probeService, runContract } from '@keel/core/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsLeaseStore } from './nats-lease-store.js';
import { NatsRegistryStore } from './nats-registry-store.js';

const servers = '127.0.0.1:4222';
const run = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const lockBucket = `keel_test_locks_${run}`;
const electionBucket = `keel_test_election_${run}`;
const registryBucket = `keel_test_registry_${run}`;

const service = await probeService('nats', async () => {
  const probe = await connect({ servers, reconnect: false, timeout: 2_000 });
  await jetstreamManager(probe);
  await probe.close();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe.skipIf(!service.available)('NatsLeaseStore against a live NATS JetStream', () => {
  let nc: NatsConnection;
  let locks: NatsLeaseStore;
  let election: NatsLeaseStore;
  let registry: NatsRegistryStore;
  beforeAll(async () => {
    nc = await connect({ servers });
    locks = await NatsLeaseStore.open(nc, { bucket: lockBucket, ttlMs: 400 });
    election = await NatsLeaseStore.open(nc, { bucket: electionBucket, ttlMs: 900 });
    registry = await NatsRegistryStore.open(nc, { bucket: registryBucket, ttlMs: 1_000 });
  });
  afterAll(async () => {
    const jsm = await jetstreamManager(nc);
    for (const bucket of [lockBucket, electionBucket, registryBucket])
      await jsm.streams.delete(`KV_${bucket}`).catch(() => false);
    await nc.close();
  });

  let caseNumber = 0;
  const key = () => {
    const id = ++caseNumber;
    return (name: string) => `${name}-${id}`;
  };

  runContract({ describe, it }, 'nats kv', lockContract, () => ({
    subject: { store: locks, clock: systemClock, wait: sleep, key: key(), ttlMs: 400, expiryGraceMs: 400 },
  }));
  runContract({ describe, it }, 'nats kv', electionContract, () => ({
    subject: {
      store: election,
      clock: systemClock,
      wait: sleep,
      key: key(),
      leaseDurationMs: 900,
      renewDeadlineMs: 600,
      retryPeriodMs: 150,
    },
  }));

  runContract({ describe, it }, 'nats kv', registryContract, () => ({
    subject: {
      store: registry,
      clock: systemClock,
      wait: sleep,
      key: (name: string) => `svc.${key()(name)}`,
      ttlMs: 300,
      expiryGraceMs: 100,
    },
  }));

  it('NatsRegistryStore: a TTL shorter than the bucket expires on its own; keys NATS refuses are escaped', async () => {
    const service = `orders eu.west_${run}`;
    const base = { service, address: '10.0.0.1', status: 'passing' as const };
    await registry.put({ ...base, id: 'a#1' }, 200);
    await registry.put({ ...base, id: 'b.2' }, 1_000);
    expect((await registry.list(service)).map((i) => i.id)).toEqual(['a#1', 'b.2']);
    // Another service whose name only differs by escaped characters sees neither.
    expect(await registry.list(`orders eu_west_${run}`)).toEqual([]);
    await sleep(250);
    expect((await registry.list(service)).map((i) => i.id)).toEqual(['b.2']);
    expect(await registry.remove(service, 'a#1')).toBe(false);
    expect(await registry.remove(service, 'b.2')).toBe(true);
    expect(await registry.list(service)).toEqual([]);
    await expect(registry.put({ ...base, id: 'c' }, 5_000)).rejects.toMatchObject({ field: 'ttlMs' });
  });

  it('refuses a lease longer than the bucket max_age, and unknown options', async () => {
    const provider = new LeaseLockProvider(locks);
    await expect(provider.acquire('too-long', { ttlMs: 5_000 })).rejects.toMatchObject({ field: 'ttlMs' });
    const error = await NatsLeaseStore.open(nc, { bukket: 'x' } as never).catch((e: unknown) => e);
    expect(isInvalidOptionError(error) && error.field).toBe('NatsLeaseStore.bukket');
  });

  it('keeps the acquisition token across extensions and escapes keys NATS would refuse', async () => {
    const provider = new LeaseLockProvider(locks);
    const lock = await provider.acquire('orders:eu west#1', { ttlMs: 400 });
    await lock.extend();
    await lock.extend();
    expect((await locks.holder('orders:eu west#1'))?.token).toBe(lock.token);
    expect(await lock.release()).toBe(true);
  });
});
