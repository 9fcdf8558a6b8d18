import { type Clock, systemClock } from '@keel/core/clock';
import { InvalidOptionError } from '@keel/core/errors';
import { check, checkKnownKeys } from '@keel/core/options';
import type { RegistryStore, ServiceInstance } from '@keel/core/service-discovery';
import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type KV, type KvEntry, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { escapeKvToken } from './kv-key.js';

/**
 * Options of {@link NatsRegistryStore.open}.
 * @category Coordination
 */
export interface NatsRegistryStoreOptions {
  /** The KV bucket holding the registrations (created if missing). @default 'keel_registry' */
  readonly bucket?: string;
  /**
   * The bucket's `max_age`, the longest registration TTL it accepts: the server deletes an
   * instance this long after its last heartbeat. Servers before 2.11 have no per-key TTL, so a
   * shorter TTL is enforced when listing, from the server's write time.
   * @default 30000
   */
  readonly ttlMs?: number;
  /**
   * The clock compared with the server's write times for TTLs shorter than the bucket's (its
   * skew against the server shifts those expiries).
   * @default systemClock
   */
  readonly clock?: Clock;
}

/**
 * Defaults of {@link NatsRegistryStoreOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_NATS_REGISTRY_STORE_OPTIONS } from '@keel/nats';
 * console.log(DEFAULT_NATS_REGISTRY_STORE_OPTIONS); // { bucket: 'keel_registry', ttlMs: 30000 }
 * ```
 * @category Coordination
 */
export const DEFAULT_NATS_REGISTRY_STORE_OPTIONS = Object.freeze({ bucket: 'keel_registry', ttlMs: 30_000 });

interface Registration {
  readonly instance: ServiceInstance;
  readonly ttlMs: number;
}

/**
 * A service-discovery store on a NATS JetStream key-value bucket: one key per instance,
 * `<service>.<id>`, rewritten by every heartbeat. The bucket's `max_age` makes the server drop
 * an instance whose heartbeats stopped; a list reads the service's keys and skips any whose
 * own TTL has run out since the server wrote it.
 *
 * @example
 * ```ts
 * import { ServiceRegistry } from '@keel/core/service-discovery';
 * import { NatsRegistryStore } from '@keel/nats';
 * import { connect } from '@nats-io/transport-node';
 * const nc = await connect({ servers: '127.0.0.1:4222' });
 * const registry = new ServiceRegistry(await NatsRegistryStore.open(nc, { ttlMs: 15_000 }));
 * const registration = await registry.register({ service: 'api', id: 'api-1', address: '10.0.0.1' }, { ttlMs: 15_000 });
 * await registration.deregister();
 * await nc.close();
 * ```
 * @category Coordination
 */
export class NatsRegistryStore implements RegistryStore {
  private constructor(
    private readonly kv: KV,
    private readonly jsm: JetStreamManager,
    private readonly bucket: string,
    /** The bucket's `max_age`: the longest TTL a registration may have. */
    readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  /** Opens (creating if needed) the bucket and returns the store. */
  static async open(nc: NatsConnection, options: NatsRegistryStoreOptions = {}): Promise<NatsRegistryStore> {
    checkKnownKeys('NatsRegistryStore', options, ['bucket', 'ttlMs', 'clock']);
    const bucket = check.string('bucket', options.bucket, DEFAULT_NATS_REGISTRY_STORE_OPTIONS.bucket);
    const ttlMs = check.integer('ttlMs', options.ttlMs, DEFAULT_NATS_REGISTRY_STORE_OPTIONS.ttlMs, {
      min: 100,
    });
    const clock = check.object<Clock>('clock', options.clock) ?? systemClock;
    const kv = await new Kvm(jetstream(nc)).create(bucket, { ttl: ttlMs, history: 1 });
    return new NatsRegistryStore(kv, await jetstreamManager(nc), bucket, ttlMs, clock);
  }

  async put(instance: ServiceInstance, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0) || ttlMs > this.ttlMs)
      throw new InvalidOptionError(
        'ttlMs',
        ttlMs,
        `more than 0 and at most the bucket's max_age (${this.ttlMs} ms)`,
      );
    const registration: Registration = { instance, ttlMs };
    await this.kv.put(keyOf(instance.service, instance.id), JSON.stringify(registration));
  }

  async remove(service: string, id: string): Promise<boolean> {
    const key = keyOf(service, id);
    const entry = await this.kv.get(key);
    const live = entry !== null && this.live(entry) !== undefined;
    if (entry?.operation === 'PUT') await this.kv.delete(key);
    return live;
  }

  async list(service: string): Promise<ServiceInstance[]> {
    // The stream's subject list, in one request: a key iterator (an ordered consumer) can wait
    // forever for messages that max_age removed while it was reading.
    const prefix = `$KV.${this.bucket}.`;
    const info = await this.jsm.streams.info(`KV_${this.bucket}`, {
      subjects_filter: `${prefix}${escapeKvToken(service)}.>`,
    });
    const keys = Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length));
    const entries = await Promise.all(keys.map((key) => this.kv.get(key)));
    const found: ServiceInstance[] = [];
    for (const entry of entries) {
      const instance = entry === null ? undefined : this.live(entry);
      if (instance !== undefined) found.push(instance);
    }
    return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The registration's instance while its TTL, counted from the server's write time, runs. */
  private live(entry: KvEntry): ServiceInstance | undefined {
    if (entry.operation !== 'PUT') return undefined;
    const registration = entry.json<Registration>();
    return entry.created.getTime() + registration.ttlMs > this.clock.now()
      ? registration.instance
      : undefined;
  }
}

function keyOf(service: string, id: string): string {
  return `${escapeKvToken(service)}.${escapeKvToken(id)}`;
}
