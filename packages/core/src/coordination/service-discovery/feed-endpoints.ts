import { InvalidOptionError } from '../../errors/index.js';
import type { Disposable } from '../../events/index.js';
import { checkKnownKeys } from '../../options/index.js';
import type { EndpointInit, EndpointSet } from '../../scaling/load-balancing/endpoint-set.js';
import type { ServiceInstance } from './registry-store.js';
import type { ServiceRegistry, WatchOptions } from './service-registry.js';

/**
 * Options of {@link feedEndpoints}: the watch's own, and how an instance's weight is read.
 */
export interface FeedEndpointsOptions extends WatchOptions {
  /**
   * The balancing weight of an instance (> 0). The default reads `metadata.weight` as a number
   * and falls back to 1 when it is missing or not a positive number. An instance given anything
   * but a finite weight > 0 is left out of the set (it cannot be balanced).
   * @default metadata.weight, else 1
   */
  readonly weightOf?: (instance: ServiceInstance) => number;
}

/**
 * The default of {@link FeedEndpointsOptions.weightOf}: `metadata.weight` when it is a positive
 * number, else 1.
 *
 * @example
 * ```ts
 * import { metadataWeight } from '@keel/core/service-discovery';
 * console.log(metadataWeight({ service: 'api', id: 'a', address: 'h', status: 'passing', metadata: { weight: '3' } })); // 3
 * ```
 */
export function metadataWeight(instance: ServiceInstance): number {
  const weight = Number(instance.metadata?.weight);
  return Number.isFinite(weight) && weight > 0 ? weight : 1;
}

/**
 * Keeps a load balancer's {@link EndpointSet} equal to the healthy instances of `service`: every
 * snapshot of the registry's watch replaces the set with the fewest changes (instances that join
 * are added, those that leave or turn critical removed, those whose weight or metadata changed
 * updated), so the balancer keeps its per-host state for the instances that stay. Each endpoint's
 * id is the instance id and its metadata the instance. Dispose the result to stop.
 *
 * @example
 * ```ts
 * import {
 *   feedEndpoints,
 *   InMemoryRegistryStore,
 *   ServiceRegistry,
 *   type ServiceInstance,
 * } from '@keel/core/service-discovery';
 * import { EndpointSet } from '@keel/core/load-balancing';
 * const registry = new ServiceRegistry(new InMemoryRegistryStore());
 * const endpoints = new EndpointSet<ServiceInstance>();
 * const feeding = feedEndpoints(registry, 'payments', endpoints, { intervalMs: 1_000 });
 * feeding.dispose();
 * ```
 */
export function feedEndpoints(
  registry: ServiceRegistry,
  service: string,
  endpoints: EndpointSet<ServiceInstance>,
  options: FeedEndpointsOptions = {},
): Disposable {
  checkKnownKeys('feedEndpoints', options, ['intervalMs', 'statuses', 'weightOf']);
  const { weightOf = metadataWeight, ...watchOptions } = options;
  if (typeof weightOf !== 'function') throw new InvalidOptionError('weightOf', weightOf, 'a function');
  return registry.watch(
    service,
    (snapshot) => {
      const next: EndpointInit<ServiceInstance>[] = [];
      for (const instance of snapshot.instances) {
        const weight = weightOf(instance);
        if (weight > 0 && Number.isFinite(weight)) next.push({ id: instance.id, weight, metadata: instance });
      }
      endpoints.replaceAll(next);
    },
    watchOptions,
  );
}
