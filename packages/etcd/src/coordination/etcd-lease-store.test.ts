import { createRequire } from 'node:module';
import { systemClock } from '@keel/core/clock';
import {
  FencedStore,
  LeaseLockProvider,
  lockContract,
  PartitionableLeaseStore,
} from '@keel/core/distributed-lock';
import { electionContract, LeaderElector } from '@keel/core/leader-election';
import { registryContract } from '@keel/core/service-discovery';
import { invalidOptionField, probeService, runContract } from '@keel/core/testing';
import { Etcd3 } from 'etcd3';
import { afterAll, describe, expect, it } from 'vitest';
import { EtcdLeaseStore } from './etcd-lease-store.js';
import { EtcdRegistryStore } from './etcd-registry-store.js';

// The test runner starts Node with `--conditions import`, so protobufjs's require('long')
// gets long's ESM namespace, cannot use it, and decodes int64 lease ids as lossy numbers.
// Hand it the Long class itself.
const require = createRequire(import.meta.url);
const protobuf = require('protobufjs/minimal') as { util: { Long: unknown }; configure(): void };
const long = require('long') as { default?: unknown };
protobuf.util.Long = long.default ?? long;
protobuf.configure();

const hosts = '127.0.0.1:2379';
const run = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const prefix = `keel/test/${run}/`;

const service = await probeService('etcd', async () => {
  const probe = new Etcd3({ hosts, dialTimeout: 2_000 });
  try {
    await probe.maintenance.status();
  } finally {
    probe.close();
  }
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe.skipIf(!service.available)('EtcdLeaseStore against a live etcd', () => {
  const client = new Etcd3({ hosts });
  afterAll(async () => {
    await client.delete().prefix(prefix).exec();
    client.close();
  });

  let caseNumber = 0;
  const subject = () => {
    const id = ++caseNumber;
    return {
      store: new EtcdLeaseStore(client, { prefix }),
      clock: systemClock,
      wait: sleep,
      key: (name: string) => `${name}-${id}`,
    };
  };

  // etcd leases count whole seconds and expire on the leader's periodic check.
  runContract({ describe, it }, 'etcd', lockContract, () => ({
    subject: { ...subject(), ttlMs: 2_000, expiryGraceMs: 1_500 },
  }));
  runContract({ describe, it }, 'etcd', electionContract, () => ({
    subject: { ...subject(), leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 },
  }));

  runContract({ describe, it }, 'etcd', registryContract, () => {
    const { key, ...rest } = subject();
    return {
      subject: {
        ...rest,
        store: new EtcdRegistryStore(client, { prefix }),
        key: (name: string) => `svc-${key(name)}`,
        ttlMs: 2_000,
        expiryGraceMs: 1_500,
      },
    };
  });

  it('uses the key create revision as the fencing token and moves a key to a longer lease on demand', async () => {
    const store = new EtcdLeaseStore(client, { prefix });
    const locks = new LeaseLockProvider(store);
    const lock = await locks.acquire('revision', { ttlMs: 2_000 });
    expect((await store.holder('revision'))?.token).toBe(lock.token);
    const { header } = await client.get(`${prefix}revision`).exec();
    expect(BigInt(header.revision)).toBeGreaterThanOrEqual(lock.token);
    await lock.extend(5_000);
    await sleep(2_600);
    expect((await store.holder('revision'))?.owner).toBe(lock.owner);
    expect(await lock.release()).toBe(true);
    expect(await store.holder('revision')).toBeUndefined();
  });

  it('fences a partitioned holder and measures leader failover (reported, not judged)', async () => {
    const timings = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };
    const store = new EtcdLeaseStore(client, { prefix });
    const cutOff = new PartitionableLeaseStore(store);
    const fenced = new FencedStore<string>();
    const first = await new LeaderElector(cutOff, 'failover', { id: 'a', ...timings }).campaign();
    fenced.write('state', first.epoch, 'a');
    cutOff.partition('hang');
    const cutAt = performance.now();
    const second = await new LeaderElector(store, 'failover', { id: 'b', ...timings }).campaign();
    const failoverMs = performance.now() - cutAt;
    expect(first.isLeader).toBe(false);
    expect(second.epoch).toBeGreaterThan(first.epoch);
    fenced.write('state', second.epoch, 'b');
    expect(() => fenced.write('state', first.epoch, 'late a')).toThrow(/rejected/);
    console.info(
      `etcd leader failover after a partition: ${failoverMs.toFixed(0)} ms (lease 3 s, retry 0.5 s)`,
    );
    await second.resign();
  });

  it('rejects unknown options', () => {
    expect(invalidOptionField(() => new EtcdLeaseStore(client, { prefx: 'x' } as never))).toBe(
      'EtcdLeaseStore.prefx',
    );
  });
});
