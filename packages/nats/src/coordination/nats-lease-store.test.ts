import { systemClock } from '@keel/core/clock';
import { LeaseLockProvider, lockContract } from '@keel/core/distributed-lock';
import { isInvalidOptionError } from '@keel/core/errors';
import { electionContract } from '@keel/core/leader-election';
import { probeService, runContract } from '@keel/core/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsLeaseStore } from './nats-lease-store.js';

const servers = '127.0.0.1:4222';
const run = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const lockBucket = `keel_test_locks_${run}`;
const electionBucket = `keel_test_election_${run}`;

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
  beforeAll(async () => {
    nc = await connect({ servers });
    locks = await NatsLeaseStore.open(nc, { bucket: lockBucket, ttlMs: 400 });
    election = await NatsLeaseStore.open(nc, { bucket: electionBucket, ttlMs: 900 });
  });
  afterAll(async () => {
    const jsm = await jetstreamManager(nc);
    for (const bucket of [lockBucket, electionBucket])
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
