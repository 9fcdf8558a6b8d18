/**
 * Client-side discovery feeding a load balancer. Three API instances register with a 3 s TTL
 * and heartbeat; a client watches the health-filtered snapshot and rebuilds its round-robin
 * endpoint set on every change. One instance marks itself critical while draining, another
 * crashes (its heartbeats stop and its registration expires): traffic follows.
 */

import { VirtualClock } from '@keel/core/clock';
import {
  InMemoryRegistryStore,
  type RegistryStore,
  type ServiceInstance,
  ServiceRegistry,
  type ServiceSnapshot,
} from '@keel/core/service-discovery';

/** The crashing process's view of the store: once crashed, nothing it sends arrives. */
class CrashableLink implements RegistryStore {
  crashed = false;
  constructor(private readonly store: RegistryStore) {}
  put(instance: ServiceInstance, ttlMs: number) {
    return this.crashed ? new Promise<void>(() => undefined) : this.store.put(instance, ttlMs);
  }
  remove(service: string, id: string) {
    return this.crashed ? new Promise<boolean>(() => undefined) : this.store.remove(service, id);
  }
  list(service: string) {
    return this.store.list(service);
  }
}

class RoundRobin {
  private endpoints: string[] = [];
  private next = 0;
  update(snapshot: ServiceSnapshot): void {
    this.endpoints = snapshot.instances.map((i) => `${i.address}:${i.port}`);
    this.next = 0;
  }
  pick(): string | undefined {
    if (this.endpoints.length === 0) return undefined;
    return this.endpoints[this.next++ % this.endpoints.length];
  }
}

export async function main() {
  const clock = new VirtualClock();
  const store = new InMemoryRegistryStore({ clock });
  const links = [0, 1, 2].map(() => new CrashableLink(store));
  const instances = await Promise.all(
    ['api-1', 'api-2', 'api-3'].map((id, i) =>
      new ServiceRegistry(links[i]!, { clock }).register(
        { service: 'api', id, address: `10.0.0.${i + 1}`, port: 8080 },
        { ttlMs: 3_000 },
      ),
    ),
  );

  const balancer = new RoundRobin();
  const versions: string[][] = [];
  const client = new ServiceRegistry(store, { clock });
  const watch = client.watch(
    'api',
    (snapshot) => {
      balancer.update(snapshot);
      versions.push(snapshot.instances.map((i) => i.id));
    },
    { intervalMs: 500 },
  );
  const picks = (n: number) => Array.from({ length: n }, () => balancer.pick());

  await clock.advanceAsync(1_000);
  const before = picks(3);
  await instances[0]!.setStatus('critical'); // draining
  await clock.advanceAsync(1_000);
  const draining = picks(2);
  links[2]!.crashed = true; // api-3 crashes: its heartbeats stop arriving
  await clock.advanceAsync(5_000);
  const afterCrash = picks(2);
  watch.dispose();
  await instances[0]!.deregister();
  await instances[1]!.deregister();
  return { before, draining, afterCrash, versions };
}
