import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isInvalidOptionError } from '../../errors/index.js';
import { roundRobin } from '../../scaling/load-balancing/algorithms/round-robin.js';
import { EndpointSet, type EndpointSetChange } from '../../scaling/load-balancing/endpoint-set.js';
import { LoadBalancer } from '../../scaling/load-balancing/load-balancer.js';
import { feedEndpoints, metadataWeight } from './feed-endpoints.js';
import { InMemoryRegistryStore } from './in-memory-registry-store.js';
import type { ServiceInstance } from './registry-store.js';
import { ServiceRegistry } from './service-registry.js';

function world() {
  const clock = new VirtualClock();
  const registry = new ServiceRegistry(new InMemoryRegistryStore({ clock }), { clock });
  const endpoints = new EndpointSet<ServiceInstance>();
  const changes: string[] = [];
  endpoints.changed((change: EndpointSetChange<ServiceInstance>) =>
    changes.push(`${change.kind} ${change.endpoint.id}`),
  );
  return { clock, registry, endpoints, changes };
}

describe('feedEndpoints', () => {
  it('keeps the endpoint set equal to the healthy instances, with the fewest changes', async () => {
    const { clock, registry, endpoints, changes } = world();
    const a = await registry.register(
      { service: 'pay', id: 'a', address: '10.0.0.1', metadata: { weight: '3' } },
      { ttlMs: 60_000 },
    );
    await registry.register({ service: 'pay', id: 'b', address: '10.0.0.2' }, { ttlMs: 60_000 });
    const feeding = feedEndpoints(registry, 'pay', endpoints, { intervalMs: 100 });
    await clock.advanceAsync(1);
    expect(endpoints.endpoints.map((e) => [e.id, e.weight, e.metadata.address])).toEqual([
      ['a', 3, '10.0.0.1'],
      ['b', 1, '10.0.0.2'],
    ]);
    await registry.register({ service: 'pay', id: 'c', address: '10.0.0.3' }, { ttlMs: 60_000 });
    await a.setStatus('critical');
    await clock.advanceAsync(100);
    expect(endpoints.endpoints.map((e) => e.id)).toEqual(['b', 'c']);
    // 'b' was never touched: its balancer state (outstanding requests, EWMA) survives.
    expect(changes).toEqual(['added a', 'added b', 'removed a', 'added c']);
    feeding.dispose();
    await registry.register({ service: 'pay', id: 'd', address: '10.0.0.4' }, { ttlMs: 60_000 });
    await clock.advanceAsync(500);
    expect(endpoints.endpoints.map((e) => e.id)).toEqual(['b', 'c']);
  });

  it('feeds a load balancer that then picks only registered, healthy instances', async () => {
    const { clock, registry, endpoints } = world();
    await registry.register({ service: 'api', id: 'x', address: '10.1.0.1' }, { ttlMs: 60_000 });
    await registry.register({ service: 'api', id: 'y', address: '10.1.0.2' }, { ttlMs: 60_000 });
    const feeding = feedEndpoints(registry, 'api', endpoints, { intervalMs: 50 });
    await clock.advanceAsync(1);
    const balancer = new LoadBalancer(endpoints, roundRobin(), { clock });
    const picked = new Set(Array.from({ length: 4 }, () => balancer.pick().metadata.address));
    expect(picked).toEqual(new Set(['10.1.0.1', '10.1.0.2']));
    feeding.dispose();
  });

  it('leaves out an instance whose weight is not a finite number > 0, and names bad options', async () => {
    const { clock, registry, endpoints } = world();
    await registry.register({ service: 's', id: 'ok', address: 'h1' }, { ttlMs: 60_000 });
    await registry.register({ service: 's', id: 'bad', address: 'h2' }, { ttlMs: 60_000 });
    const feeding = feedEndpoints(registry, 's', endpoints, {
      weightOf: (instance) => (instance.id === 'bad' ? Number.NaN : 2),
    });
    await clock.advanceAsync(1);
    expect(endpoints.endpoints.map((e) => [e.id, e.weight])).toEqual([['ok', 2]]);
    feeding.dispose();
    expect(() => feedEndpoints(registry, 's', endpoints, { weightOf: 3 as never })).toThrow(/weightOf/);
    let caught: unknown;
    try {
      feedEndpoints(registry, 's', endpoints, { intervalMs: 10, every: 1 } as never);
    } catch (error) {
      caught = error;
    }
    expect(isInvalidOptionError(caught)).toBe(true);
  });

  it('reads metadata.weight when it is a positive number, else 1', () => {
    const instance = (weight?: string): ServiceInstance => ({
      service: 's',
      id: 'i',
      address: 'h',
      status: 'passing',
      ...(weight === undefined ? {} : { metadata: { weight } }),
    });
    expect([instance('2.5'), instance('0'), instance('heavy'), instance()].map(metadataWeight)).toEqual([
      2.5, 1, 1, 1,
    ]);
  });
});
