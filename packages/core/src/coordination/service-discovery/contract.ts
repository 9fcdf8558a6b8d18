import type { Clock } from '../../clock/index.js';
import { assertEqual, assertTrue, defineContract } from '../../testing/index.js';
import type { RegistryStore } from './registry-store.js';
import { ServiceRegistry, type ServiceSnapshot } from './service-registry.js';

/**
 * What the registry contract needs from an adapter's fixture.
 * @category Service discovery
 */
export interface RegistryContractSubject {
  readonly store: RegistryStore;
  readonly clock: Clock;
  /** Lets `ms` pass on `clock`. */
  wait(ms: number): Promise<void>;
  /** A TTL the store handles exactly enough. */
  readonly ttlMs: number;
  /** Extra time after a TTL for the store to have dropped an entry. */
  readonly expiryGraceMs: number;
  /** A service name unique to this case and run. */
  key(name: string): string;
}

const ids = (snapshot: ServiceSnapshot | undefined): string[] => snapshot?.instances.map((i) => i.id) ?? [];

/**
 * The behaviour every {@link RegistryStore} adapter must show, exercised through
 * {@link ServiceRegistry}.
 * @example
 * ```ts
 * import { VirtualClock } from '@keel/core/clock';
 * import { InMemoryRegistryStore, registryContract } from '@keel/core/service-discovery';
 * import { runContract } from '@keel/core/testing';
 * import { describe, it } from 'vitest';
 * runContract({ describe, it }, 'memory', registryContract, () => {
 *   const clock = new VirtualClock();
 *   return { subject: { store: new InMemoryRegistryStore({ clock }), clock, ttlMs: 1_000, expiryGraceMs: 10,
 *     wait: (ms: number) => clock.advanceAsync(ms), key: (n: string) => n } };
 * });
 * ```
 * @category Service discovery
 */
export const registryContract = defineContract<RegistryContractSubject>('RegistryStore (service discovery)', [
  {
    name: 'registers, lists, updates and removes instances',
    async run(s) {
      const service = s.key('crud');
      const registry = new ServiceRegistry(s.store, { clock: s.clock });
      const a = await registry.register(
        { service, id: 'a', address: '10.0.0.1', port: 80, metadata: { zone: 'x' } },
        { ttlMs: s.ttlMs },
      );
      const b = await registry.register({ service, id: 'b', address: '10.0.0.2' }, { ttlMs: s.ttlMs });
      const listed = await registry.resolve(service);
      assertEqual(
        listed.map((i) => [i.id, i.address, i.port ?? null, i.status]),
        [
          ['a', '10.0.0.1', 80, 'passing'],
          ['b', '10.0.0.2', null, 'passing'],
        ],
        'listed',
      );
      assertEqual(listed[0]?.metadata, { zone: 'x' }, 'metadata kept');
      await b.setStatus('critical');
      assertEqual(
        (await registry.resolve(service)).map((i) => i.id),
        ['a'],
        'critical filtered out',
      );
      assertEqual(
        (await registry.resolve(service, { statuses: ['critical'] })).map((i) => i.id),
        ['b'],
        'critical on request',
      );
      await a.deregister();
      await b.deregister();
      assertEqual(await s.store.list(service), [], 'all removed');
      assertEqual(await s.store.remove(service, 'a'), false, 'removing twice reports false');
    },
  },
  {
    name: 'heartbeats keep an instance past its TTL; without them it expires',
    async run(s) {
      const service = s.key('ttl');
      const registry = new ServiceRegistry(s.store, { clock: s.clock });
      const kept = await registry.register({ service, id: 'kept', address: 'h1' }, { ttlMs: s.ttlMs });
      await s.store.put({ service, id: 'silent', address: 'h2', status: 'passing' }, s.ttlMs);
      await s.wait(s.ttlMs + s.expiryGraceMs);
      assertEqual(
        (await registry.resolve(service)).map((i) => i.id),
        ['kept'],
        'only the heartbeating instance',
      );
      assertTrue(!kept.signal.aborted, 'the registration stands');
      await kept.deregister();
      assertTrue(kept.signal.aborted, 'deregistering aborts the signal');
    },
  },
  {
    name: 'a watch reports the healthy set on start and on each change only',
    async run(s) {
      const service = s.key('watch');
      const registry = new ServiceRegistry(s.store, { clock: s.clock });
      const seen: ServiceSnapshot[] = [];
      const step = Math.max(20, s.ttlMs / 10);
      const watch = registry.watch(service, (snapshot) => seen.push(snapshot), { intervalMs: step });
      await s.wait(step * 2);
      const a = await registry.register({ service, id: 'a', address: 'h1' }, { ttlMs: s.ttlMs });
      await s.wait(step * 2);
      const b = await registry.register({ service, id: 'b', address: 'h2' }, { ttlMs: s.ttlMs });
      await s.wait(step * 2);
      await a.setStatus('critical');
      await s.wait(step * 2);
      await b.deregister();
      await s.wait(step * 2);
      watch.dispose();
      await a.deregister();
      assertEqual(seen.map(ids), [[], ['a'], ['a', 'b'], ['b'], []], 'snapshots');
      assertEqual(
        seen.map((snapshot) => snapshot.version),
        [1, 2, 3, 4, 5],
        'versions',
      );
    },
  },
]);
