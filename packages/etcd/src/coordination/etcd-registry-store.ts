import { check, checkKnownKeys } from '@keel/core/options';
import type { RegistryStore, ServiceInstance } from '@keel/core/service-discovery';
import type { Etcd3, Lease } from 'etcd3';

/**
 * Options of {@link EtcdRegistryStore}.
 * @category Coordination
 */
export interface EtcdRegistryStoreOptions {
  /** Prefix of every key this store writes. @default 'keel/registry/' */
  readonly prefix?: string;
}

/**
 * Defaults of {@link EtcdRegistryStoreOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_ETCD_REGISTRY_STORE_OPTIONS } from '@keel/etcd';
 * console.log(DEFAULT_ETCD_REGISTRY_STORE_OPTIONS.prefix); // 'keel/registry/'
 * ```
 * @category Coordination
 */
export const DEFAULT_ETCD_REGISTRY_STORE_OPTIONS = Object.freeze({ prefix: 'keel/registry/' });

/**
 * A service-discovery store on etcd: each instance is a key `<prefix><service>/<id>` attached
 * to its own lease, so etcd removes it when heartbeats stop; a heartbeat grants a fresh lease
 * and rewrites the key onto it (two round trips), listing is one prefix read. TTLs are
 * rounded up to whole seconds.
 *
 * @example
 * ```ts
 * import { ServiceRegistry } from '@keel/core/service-discovery';
 * import { EtcdRegistryStore } from '@keel/etcd';
 * import { Etcd3 } from 'etcd3';
 * const client = new Etcd3({ hosts: '127.0.0.1:2379' });
 * const registry = new ServiceRegistry(new EtcdRegistryStore(client));
 * console.log(await registry.resolve('api'));
 * client.close();
 * ```
 * @category Coordination
 */
export class EtcdRegistryStore implements RegistryStore {
  private readonly prefix: string;
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly client: Etcd3,
    options: EtcdRegistryStoreOptions = {},
  ) {
    checkKnownKeys('EtcdRegistryStore', options, ['prefix']);
    this.prefix = check.string('prefix', options.prefix, DEFAULT_ETCD_REGISTRY_STORE_OPTIONS.prefix);
  }

  private keyOf(service: string, id: string): string {
    return `${this.prefix}${service}/${id}`;
  }

  async put(instance: ServiceInstance, ttlMs: number): Promise<void> {
    const key = this.keyOf(instance.service, instance.id);
    const lease = this.client.lease(Math.max(1, Math.ceil(ttlMs / 1_000)), { autoKeepAlive: false });
    lease.on('lost', () => undefined);
    await lease.put(key).value(JSON.stringify(instance));
    // The key now rides on the new lease; the old one can go without taking the key along.
    this.leases
      .get(key)
      ?.revoke()
      .catch(() => undefined);
    this.leases.set(key, lease);
  }

  async remove(service: string, id: string): Promise<boolean> {
    const key = this.keyOf(service, id);
    const { deleted } = await this.client.delete().key(key).exec();
    this.leases
      .get(key)
      ?.revoke()
      .catch(() => undefined);
    this.leases.delete(key);
    return Number(deleted) > 0;
  }

  async list(service: string): Promise<ServiceInstance[]> {
    const values = await this.client.getAll().prefix(`${this.prefix}${service}/`).strings();
    return Object.values(values).map((value) => JSON.parse(value) as ServiceInstance);
  }
}
