import type { LeaseHolder, LeaseStore } from '@keel/core/distributed-lock';
import { check, checkKnownKeys } from '@keel/core/options';
import type { Etcd3, Lease } from 'etcd3';

/**
 * Options of {@link EtcdLeaseStore}.
 * @category Coordination
 */
export interface EtcdLeaseStoreOptions {
  /** Prefix of every key this store writes. @default 'keel/lock/' */
  readonly prefix?: string;
}

/**
 * Defaults of {@link EtcdLeaseStoreOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_ETCD_LEASE_STORE_OPTIONS } from '@keel/etcd';
 * console.log(DEFAULT_ETCD_LEASE_STORE_OPTIONS.prefix); // 'keel/lock/'
 * ```
 * @category Coordination
 */
export const DEFAULT_ETCD_LEASE_STORE_OPTIONS = Object.freeze({ prefix: 'keel/lock/' });

interface Held {
  readonly lease: Lease;
  readonly ttlSeconds: number;
}

/**
 * A lease store on etcd (v3 API, through the `etcd3` client): the lock is a key attached to an
 * etcd lease and created by a transaction only if absent (`create_revision == 0`); its fencing
 * token is the key's create revision, which etcd's Raft log makes strictly increasing across
 * the whole cluster — the correctness-grade option.
 *
 * Costs: an attempt on a held key is one read; a successful acquisition is a read, a lease
 * grant and a transaction; an extension is one keep-alive (a new lease and a transaction if a
 * longer TTL is asked for); a release is one owner-checked transaction (the lease is revoked
 * in the background). etcd counts lease TTLs in whole seconds and enforces a minimum (about
 * 2 s with default settings): TTLs are rounded up, which only makes the client's own view of
 * the lease the more conservative.
 *
 * @example
 * ```ts
 * import { LeaseLockProvider } from '@keel/core/distributed-lock';
 * import { EtcdLeaseStore } from '@keel/etcd';
 * import { Etcd3 } from 'etcd3';
 * const client = new Etcd3({ hosts: '127.0.0.1:2379' });
 * const locks = new LeaseLockProvider(new EtcdLeaseStore(client));
 * await locks.withLock('migrations', async (lock) => console.log(lock.token), { ttlMs: 10_000 });
 * client.close();
 * ```
 * @category Coordination
 */
export class EtcdLeaseStore implements LeaseStore {
  private readonly prefix: string;
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly client: Etcd3,
    options: EtcdLeaseStoreOptions = {},
  ) {
    checkKnownKeys('EtcdLeaseStore', options, ['prefix']);
    this.prefix = check.string('prefix', options.prefix, DEFAULT_ETCD_LEASE_STORE_OPTIONS.prefix);
  }

  /** The etcd key holding the lease of `key`. */
  keyOf(key: string): string {
    return `${this.prefix}${key}`;
  }

  async tryAcquire(key: string, owner: string, ttlMs: number): Promise<bigint | undefined> {
    const etcdKey = this.keyOf(key);
    // A cheap read first: waiting on a busy key should not grant and revoke a lease each time.
    if ((await this.client.get(etcdKey).exec()).kvs.length > 0) return undefined;
    const ttlSeconds = seconds(ttlMs);
    const lease = this.newLease(ttlSeconds);
    const leaseId = await lease.grant();
    const result = await this.client
      .if(etcdKey, 'Create', '==', 0)
      .then(this.client.put(etcdKey).value(owner).lease(leaseId))
      .commit();
    if (!result.succeeded) {
      lease.revoke().catch(() => undefined);
      return undefined;
    }
    this.held.set(heldKey(etcdKey, owner), { lease, ttlSeconds });
    return BigInt(result.header.revision);
  }

  async extend(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const etcdKey = this.keyOf(key);
    const held = this.held.get(heldKey(etcdKey, owner));
    if (!held) return false;
    const ttlSeconds = seconds(ttlMs);
    if (ttlSeconds <= held.ttlSeconds) {
      try {
        await held.lease.keepaliveOnce();
        return true;
      } catch (error) {
        if (isLeaseGone(error)) {
          this.held.delete(heldKey(etcdKey, owner));
          return false;
        }
        throw error;
      }
    }
    // A longer TTL than granted: move the key to a new lease, owner-checked in one transaction.
    const lease = this.newLease(ttlSeconds);
    const leaseId = await lease.grant();
    const result = await this.client
      .if(etcdKey, 'Value', '==', owner)
      .then(this.client.put(etcdKey).value(owner).lease(leaseId))
      .commit();
    if (!result.succeeded) {
      lease.revoke().catch(() => undefined);
      this.held.delete(heldKey(etcdKey, owner));
      return false;
    }
    held.lease.revoke().catch(() => undefined);
    this.held.set(heldKey(etcdKey, owner), { lease, ttlSeconds });
    return true;
  }

  async release(key: string, owner: string): Promise<boolean> {
    const etcdKey = this.keyOf(key);
    const held = this.held.get(heldKey(etcdKey, owner));
    this.held.delete(heldKey(etcdKey, owner));
    const result = await this.client
      .if(etcdKey, 'Value', '==', owner)
      .then(this.client.delete().key(etcdKey))
      .commit();
    held?.lease.revoke().catch(() => undefined);
    return result.succeeded;
  }

  async holder(key: string): Promise<LeaseHolder | undefined> {
    const { kvs } = await this.client.get(this.keyOf(key)).exec();
    const kv = kvs[0];
    return kv ? { owner: kv.value.toString(), token: BigInt(kv.create_revision) } : undefined;
  }

  private newLease(ttlSeconds: number): Lease {
    const lease = this.client.lease(ttlSeconds, { autoKeepAlive: false });
    // Loss is reported through extend's answer; the event itself needs no handling.
    lease.on('lost', () => undefined);
    return lease;
  }
}

function seconds(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs / 1_000));
}

function heldKey(etcdKey: string, owner: string): string {
  return `${owner}\u0000${etcdKey}`;
}

function isLeaseGone(error: unknown): boolean {
  return (
    error instanceof Error &&
    /lease.*(not found|invalid|expired)|EtcdLeaseInvalid/i.test(`${error.name} ${error.message}`)
  );
}
