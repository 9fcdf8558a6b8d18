import { type Clock, systemClock } from '../../clock/index.js';
import { checkKnownKeys } from '../../options/index.js';
import type { RegistryStore, ServiceInstance } from './registry-store.js';

/**
 * Options of {@link InMemoryRegistryStore}.
 * @category Service discovery
 */
export interface InMemoryRegistryStoreOptions {
  /** The store's clock, which decides expiry. @default systemClock */
  readonly clock?: Clock;
}

/**
 * A {@link RegistryStore} in process memory, for tests, simulations and single-process use.
 * @example
 * ```ts
 * import { VirtualClock } from '@keel/core/clock';
 * import { InMemoryRegistryStore } from '@keel/core/service-discovery';
 * const clock = new VirtualClock();
 * const store = new InMemoryRegistryStore({ clock });
 * await store.put({ service: 'api', id: 'a', address: 'h', status: 'passing' }, 100);
 * clock.advance(100);
 * console.log(await store.list('api')); // []
 * ```
 * @category Service discovery
 */
export class InMemoryRegistryStore implements RegistryStore {
  private readonly clock: Clock;
  private readonly services = new Map<
    string,
    Map<string, { instance: ServiceInstance; expiresAt: number }>
  >();

  constructor(options: InMemoryRegistryStoreOptions = {}) {
    checkKnownKeys('InMemoryRegistryStore', options, ['clock']);
    this.clock = options.clock ?? systemClock;
  }

  put(instance: ServiceInstance, ttlMs: number): Promise<void> {
    let instances = this.services.get(instance.service);
    if (!instances) {
      instances = new Map();
      this.services.set(instance.service, instances);
    }
    instances.set(instance.id, { instance, expiresAt: this.clock.now() + ttlMs });
    return Promise.resolve();
  }

  remove(service: string, id: string): Promise<boolean> {
    const instances = this.services.get(service);
    const entry = instances?.get(id);
    if (!entry) return Promise.resolve(false);
    instances!.delete(id);
    return Promise.resolve(entry.expiresAt > this.clock.now());
  }

  list(service: string): Promise<ServiceInstance[]> {
    const now = this.clock.now();
    const result: ServiceInstance[] = [];
    const instances = this.services.get(service);
    if (instances) {
      for (const [id, entry] of instances) {
        if (entry.expiresAt > now) result.push(entry.instance);
        else instances.delete(id);
      }
    }
    return Promise.resolve(result);
  }
}
