/**
 * The health of a registered instance, as its registrant reports it. Consumers see
 * `passing` and `warning` instances by default; `critical` ones are kept out of snapshots.
 * @category Service discovery
 */
export type InstanceStatus = 'passing' | 'warning' | 'critical';

/**
 * One instance of a service, as registered.
 * @category Service discovery
 */
export interface ServiceInstance {
  /** The service's name, such as `payments`. */
  readonly service: string;
  /** Unique within the service, such as `payments-7f9c`. */
  readonly id: string;
  /** Host name or IP address to connect to. */
  readonly address: string;
  /** Port to connect to, if any. */
  readonly port?: number;
  /** The registrant's view of its health. */
  readonly status: InstanceStatus;
  /** Free-form labels (zone, version, weight). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * The engine port of service discovery: registrations that vanish unless refreshed within
 * their time-to-live. Every adapter passes the `registryContract`.
 *
 * @example
 * ```ts
 * import { InMemoryRegistryStore } from '@keel/core/service-discovery';
 * const store = new InMemoryRegistryStore();
 * await store.put({ service: 'api', id: 'api-1', address: '10.0.0.1', port: 80, status: 'passing' }, 10_000);
 * console.log((await store.list('api')).length); // 1
 * ```
 * @category Service discovery
 */
export interface RegistryStore {
  /** Registers or refreshes `instance` for `ttlMs` from now. */
  put(instance: ServiceInstance, ttlMs: number): Promise<void>;
  /** Removes an instance; false when it was not registered (or had expired). */
  remove(service: string, id: string): Promise<boolean>;
  /** The unexpired instances of `service`, in any order. */
  list(service: string): Promise<ServiceInstance[]>;
}
