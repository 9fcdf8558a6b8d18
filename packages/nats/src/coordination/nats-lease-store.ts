import type { LeaseHolder, LeaseStore } from '@keel/core/distributed-lock';
import { InvalidOptionError } from '@keel/core/errors';
import { check, checkKnownKeys } from '@keel/core/options';
import { jetstream } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { escapeKvKey } from './kv-key.js';

/**
 * Options of {@link NatsLeaseStore.open}.
 * @category Coordination
 */
export interface NatsLeaseStoreOptions {
  /** The KV bucket holding the leases (created if missing). @default 'keel_leases' */
  readonly bucket?: string;
  /**
   * The bucket's `max_age`: every lease lives this long after its last write. Servers before
   * 2.11 have no per-key TTL, so one bucket serves one lease length; acquisitions asking for
   * more are refused, shorter ones are held up to this long at the server.
   * @default 30000
   */
  readonly ttlMs?: number;
}

/**
 * Defaults of {@link NatsLeaseStoreOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_NATS_LEASE_STORE_OPTIONS } from '@keel/nats';
 * console.log(DEFAULT_NATS_LEASE_STORE_OPTIONS); // { bucket: 'keel_leases', ttlMs: 30000 }
 * ```
 * @category Coordination
 */
export const DEFAULT_NATS_LEASE_STORE_OPTIONS = Object.freeze({ bucket: 'keel_leases', ttlMs: 30_000 });

interface LeaseValue {
  readonly owner: string;
  readonly token: string;
}

/**
 * A lease store on a NATS JetStream key-value bucket, replicated by JetStream's Raft when the
 * stream has replicas:
 * - acquire: `kv.create` (succeeds only if the key is absent, deleted or expired);
 * - extend: `kv.update` with the last revision (compare-and-set);
 * - release: `kv.delete` with the last revision as the expected sequence.
 *
 * The fencing token is the stream sequence of the create: strictly increasing. Expiry is the
 * bucket's `max_age`, judged by the server.
 *
 * @example
 * ```ts
 * import { LeaseLockProvider } from '@keel/core/distributed-lock';
 * import { NatsLeaseStore } from '@keel/nats';
 * import { connect } from '@nats-io/transport-node';
 * const nc = await connect({ servers: '127.0.0.1:4222' });
 * const store = await NatsLeaseStore.open(nc, { bucket: 'locks', ttlMs: 10_000 });
 * await new LeaseLockProvider(store).withLock('compaction', async (lock) => console.log(lock.token), { ttlMs: 10_000 });
 * await nc.close();
 * ```
 * @category Coordination
 */
export class NatsLeaseStore implements LeaseStore {
  private readonly revisions = new Map<string, number>();

  private constructor(
    private readonly kv: KV,
    /** The bucket's lease length. */
    readonly ttlMs: number,
  ) {}

  /** Opens (creating if needed) the bucket and returns the store. */
  static async open(nc: NatsConnection, options: NatsLeaseStoreOptions = {}): Promise<NatsLeaseStore> {
    checkKnownKeys('NatsLeaseStore', options, ['bucket', 'ttlMs']);
    const bucket = check.string('bucket', options.bucket, DEFAULT_NATS_LEASE_STORE_OPTIONS.bucket);
    const ttlMs = check.integer('ttlMs', options.ttlMs, DEFAULT_NATS_LEASE_STORE_OPTIONS.ttlMs, { min: 100 });
    const kv = await new Kvm(jetstream(nc)).create(bucket, { ttl: ttlMs, history: 1 });
    return new NatsLeaseStore(kv, ttlMs);
  }

  async tryAcquire(key: string, owner: string, ttlMs: number): Promise<bigint | undefined> {
    if (ttlMs > this.ttlMs)
      throw new InvalidOptionError('ttlMs', ttlMs, `at most the bucket's max_age (${this.ttlMs} ms)`);
    const natsKey = escapeKvKey(key);
    let revision: number;
    try {
      // The token is this create's sequence; it is written into the value by the next update.
      revision = await this.kv.create(natsKey, JSON.stringify({ owner, token: '' }));
    } catch (error) {
      if (isConflict(error)) return undefined;
      throw error;
    }
    this.revisions.set(revisionKey(natsKey, owner), revision);
    return BigInt(revision);
  }

  async extend(key: string, owner: string, ttlMs: number): Promise<boolean> {
    if (ttlMs > this.ttlMs)
      throw new InvalidOptionError('ttlMs', ttlMs, `at most the bucket's max_age (${this.ttlMs} ms)`);
    const natsKey = escapeKvKey(key);
    const last = this.revisions.get(revisionKey(natsKey, owner));
    if (last === undefined) return false;
    const entry = await this.kv.get(natsKey);
    if (entry?.operation !== 'PUT' || entry.revision !== last) return false;
    const token = (entry.json<LeaseValue>().token || String(last)) as string;
    try {
      const revision = await this.kv.update(natsKey, JSON.stringify({ owner, token }), last);
      this.revisions.set(revisionKey(natsKey, owner), revision);
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  async release(key: string, owner: string): Promise<boolean> {
    const natsKey = escapeKvKey(key);
    const last = this.revisions.get(revisionKey(natsKey, owner));
    this.revisions.delete(revisionKey(natsKey, owner));
    if (last === undefined) return false;
    try {
      await this.kv.delete(natsKey, { previousSeq: last });
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  async holder(key: string): Promise<LeaseHolder | undefined> {
    const entry = await this.kv.get(escapeKvKey(key));
    if (entry?.operation !== 'PUT') return undefined;
    const value = entry.json<LeaseValue>();
    return { owner: value.owner, token: BigInt(value.token || entry.revision) };
  }
}

function revisionKey(natsKey: string, owner: string): string {
  return `${owner}\u0000${natsKey}`;
}

function isConflict(error: unknown): boolean {
  return (
    error instanceof Error &&
    /wrong last sequence|key exists|10071/i.test(
      `${error.message} ${String((error as { code?: unknown }).code ?? '')}`,
    )
  );
}
