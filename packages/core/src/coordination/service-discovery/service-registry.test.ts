import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isInvalidOptionError, TimeoutError } from '../../errors/index.js';
import { runContract } from '../../testing/index.js';

import { registryContract } from './contract.js';
import { isRegistrationLapsedError, RegistrationLapsedError } from './errors.js';
import { InMemoryRegistryStore } from './in-memory-registry-store.js';
import type { RegistryStore, ServiceInstance } from './registry-store.js';
import { type RegistrationEvent, ServiceRegistry, type ServiceSnapshot } from './service-registry.js';

runContract({ describe, it }, 'in-memory (virtual clock)', registryContract, () => {
  const clock = new VirtualClock();
  return {
    subject: {
      store: new InMemoryRegistryStore({ clock }),
      clock,
      ttlMs: 1_000,
      expiryGraceMs: 10,
      wait: (ms: number) => clock.advanceAsync(ms),
      key: (name: string) => name,
    },
  };
});

class FlakyStore implements RegistryStore {
  failing = false;
  constructor(private readonly inner: RegistryStore) {}
  put(instance: ServiceInstance, ttlMs: number) {
    return this.failing ? Promise.reject(new Error('down')) : this.inner.put(instance, ttlMs);
  }
  remove(service: string, id: string) {
    return this.failing ? Promise.reject(new Error('down')) : this.inner.remove(service, id);
  }
  list(service: string) {
    return this.failing ? Promise.reject(new Error('down')) : this.inner.list(service);
  }
}

describe('ServiceRegistry', () => {
  it('lapses a registration whose heartbeats fail for a TTL, and re-registers when the store is back', async () => {
    const clock = new VirtualClock();
    const store = new FlakyStore(new InMemoryRegistryStore({ clock }));
    const registry = new ServiceRegistry(store, { clock });
    const events: RegistrationEvent['type'][] = [];
    registry.events((e) => events.push(e.type));
    const registration = await registry.register({ service: 's', id: 'a', address: 'h' }, { ttlMs: 900 });
    store.failing = true;
    await clock.advanceAsync(899);
    expect(registration.signal.aborted).toBe(false);
    await clock.advanceAsync(1);
    expect(registration.signal.reason).toMatchObject({ lapseReason: 'heartbeat-missed' });
    store.failing = false;
    await clock.advanceAsync(300);
    expect((await registry.resolve('s')).map((i) => i.id)).toEqual(['a']);
    expect(events).toEqual([
      'registered',
      'heartbeat-failed',
      'heartbeat-failed',
      'lapsed',
      'heartbeat-failed',
    ]);
  });

  it('keeps the last snapshot when the store cannot be read', async () => {
    const clock = new VirtualClock();
    const store = new FlakyStore(new InMemoryRegistryStore({ clock }));
    const registry = new ServiceRegistry(store, { clock });
    await registry.register({ service: 's', id: 'a', address: 'h' }, { ttlMs: 60_000 });
    const seen: ServiceSnapshot[] = [];
    const watch = registry.watch('s', (snapshot) => seen.push(snapshot), { intervalMs: 100 });
    await clock.advanceAsync(50);
    store.failing = true;
    await clock.advanceAsync(1_000);
    store.failing = false;
    await clock.advanceAsync(1_000);
    watch.dispose();
    expect(seen.map((s) => s.instances.length)).toEqual([1]);
  });

  it('names every bad option', async () => {
    const registry = new ServiceRegistry(new InMemoryRegistryStore());
    const instance = { service: 's', id: 'a', address: 'h' };
    const calls: [string, () => unknown][] = [
      ['options.ttlMs', () => registry.register(instance, { ttlMs: 0 })],
      ['options.heartbeatRatio', () => registry.register(instance, { heartbeatRatio: 1 })],
      ['options.ttl', () => registry.register(instance, { ttl: 1 } as never)],
      ['instance.id', () => registry.register({ ...instance, id: '' })],
      ['instance.address', () => registry.register({ ...instance, address: 3 as never })],
      ['instance.port', () => registry.register({ ...instance, port: 70_000 })],
      ['instance.status', () => registry.register({ ...instance, status: 'ok' as never })],
      ['options.intervalMs', () => registry.watch('s', () => undefined, { intervalMs: -1 })],
      ['options.statuses', () => registry.watch('s', () => undefined, { statuses: [] })],
      ['options.statuses', () => registry.resolve('s', { statuses: ['up' as never] })],
      ['service', () => registry.watch('', () => undefined)],
      ['ServiceRegistry.clok', () => new ServiceRegistry(new InMemoryRegistryStore(), { clok: 1 } as never)],
    ];
    for (const [field, call] of calls) {
      let error: unknown;
      try {
        await call();
      } catch (e) {
        error = e;
      }
      expect(isInvalidOptionError(error) && error.field).toBe(field);
    }
  });

  it('has a guard for its error', () => {
    expect(isRegistrationLapsedError(new RegistrationLapsedError('s', 'a', 'deregistered'))).toBe(true);
    expect(isRegistrationLapsedError(new TimeoutError(1))).toBe(false);
    expect(isRegistrationLapsedError(new Error('x'))).toBe(false);
  });
});
