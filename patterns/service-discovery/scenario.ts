import type { Clock } from '@keel/core/clock';
import { check } from '@keel/core/options';
import {
  InMemoryRegistryStore,
  type RegistryStore,
  type ServiceInstance,
  ServiceRegistry,
} from '@keel/core/service-discovery';
import { timeout } from '@keel/core/timeout';
import {
  constant,
  constantRate,
  defineScenario,
  lognormal,
  measures,
  openLoop,
  row,
  runVariants,
  type World,
} from '@keel/sim';
import { type StoreCall, serveStore, storeCaller } from '../remote-store.js';

type RegistryRequest =
  | { readonly op: 'put'; readonly instance: ServiceInstance; readonly ttlMs: number }
  | { readonly op: 'remove'; readonly service: string; readonly id: string }
  | { readonly op: 'list'; readonly service: string };

/**
 * Serves `store` from the node `node`, one request and one answer per call of a remote
 * {@link RpcRegistryStore}, so the simulated network's latency and faults apply.
 *
 * @example
 * ```ts
 * import { InMemoryRegistryStore } from '@keel/core/service-discovery';
 * import { World } from '@keel/sim';
 * import { serveRegistryStore } from './scenario.js';
 * const world = new World({ seed: 1 });
 * serveRegistryStore(world, 'registry', new InMemoryRegistryStore({ clock: world.clock }));
 * ```
 */
export function serveRegistryStore(world: World, node: string, store: RegistryStore): void {
  serveStore(
    world,
    node,
    (request: RegistryRequest): Promise<unknown> =>
      request.op === 'put'
        ? store.put(request.instance, request.ttlMs)
        : request.op === 'remove'
          ? store.remove(request.service, request.id)
          : store.list(request.service),
  );
}

/**
 * A {@link RegistryStore} reached over the simulated network from node `from`; a call fails
 * after `timeoutMs` without an answer. `kill()` stands for the death of the calling process:
 * from then on no call is sent and none settles, so its heartbeats simply stop.
 *
 * @example
 * ```ts
 * import { ServiceRegistry } from '@keel/core/service-discovery';
 * import { World } from '@keel/sim';
 * import { RpcRegistryStore } from './scenario.js';
 * const world = new World({ seed: 1 });
 * const registry = new ServiceRegistry(new RpcRegistryStore(world, 'client', 'registry', world.clock), {
 *   clock: world.clock,
 * });
 * console.log(typeof registry.watch);
 * ```
 */
export class RpcRegistryStore implements RegistryStore {
  private readonly send: StoreCall<RegistryRequest>;
  private dead = false;

  constructor(world: World, from: string, to: string, clock: Clock, timeoutMs = 250) {
    this.send = storeCaller(
      world,
      from,
      to,
      clock,
      check.duration('timeoutMs', timeoutMs, 250, { above: 0 }),
    );
  }

  /** The calling process dies: nothing more is sent. */
  kill(): void {
    this.dead = true;
  }

  private call<T>(request: RegistryRequest): Promise<T> {
    if (this.dead) return new Promise<T>(() => undefined);
    return this.send<T>(request);
  }

  put(instance: ServiceInstance, ttlMs: number): Promise<void> {
    return this.call({ op: 'put', instance, ttlMs });
  }
  remove(service: string, id: string): Promise<boolean> {
    return this.call({ op: 'remove', service, id });
  }
  list(service: string): Promise<ServiceInstance[]> {
    return this.call({ op: 'list', service });
  }
}

const SERVICE = 'api';

/**
 * Discovery under churn. Instances of a service register with a TTL and heartbeat; every few
 * seconds (uniformly between half and one and a half `churnEveryMs`) one crashes (its heartbeats stop, it never deregisters) and a new one starts. A client
 * spreads requests at random over its list of instances. The baseline's list is the one it was
 * configured with at start; the pattern's list is the health-filtered snapshot of
 * `ServiceRegistry.watch`, which drops a crashed instance once its registration expires and adds
 * new ones on the next read.
 *
 * @example
 * ```ts
 * import { resolveKnobs } from '@keel/sim';
 * import { discoveryChurnScenario } from './scenario.js';
 * const knobs = resolveKnobs(discoveryChurnScenario.knobs);
 * const result = await discoveryChurnScenario.run(1, knobs, { durationMs: 30_000 });
 * console.log(result.summary.rows[0]);
 * ```
 */
export const discoveryChurnScenario = defineScenario({
  id: 'discovery-churn',
  name: 'Service discovery under churn',
  description:
    'Six instances of a service register with a 5 s TTL and heartbeat every third of it. Every 3 s on ' +
    'average (1.5 to 4.5 s apart) one instance crashes without deregistering and a new one starts. A client sends 200 requests per second, ' +
    'each to a random instance of its list, with a 200 ms timeout. The baseline uses the list it started ' +
    'with, so more and more requests go to dead instances and none to the new ones. The pattern reads a ' +
    'health-filtered snapshot from the registry every second: a crashed instance leaves it within the ' +
    'TTL plus one read interval, and a new one joins within one read interval.',
  knobs: {
    instances: { type: 'number', label: 'Instances', default: 6, min: 2, max: 30, step: 1 },
    ttlMs: {
      type: 'number',
      label: 'Registration TTL',
      default: 5_000,
      min: 500,
      max: 60_000,
      step: 500,
      unit: 'ms',
    },
    watchIntervalMs: {
      type: 'number',
      label: 'Registry read every',
      default: 1_000,
      min: 100,
      max: 30_000,
      step: 100,
      unit: 'ms',
    },
    churnEveryMs: {
      type: 'number',
      label: 'Crash and replace every',
      default: 3_000,
      min: 500,
      max: 60_000,
      step: 500,
      unit: 'ms',
    },
    rps: { type: 'number', label: 'Load', default: 200, min: 10, max: 2_000, step: 10, unit: 'req/s' },
  },
  defaultDurationMs: 30_000,
  run: (seed, knobs, options) => {
    const build = (world: World, discover: boolean): void => {
      const m = world.metrics;
      const routed = m.counter('routed');
      const toDead = m.counter('routed.dead');
      const toNew = m.counter('routed.new');
      const noTarget = m.counter('routed.none');
      const removal = m.latency('removal.latency');
      const join = m.latency('join.latency');
      const crashes = m.counter('crashes');

      serveRegistryStore(world, 'registry', new InMemoryRegistryStore({ clock: world.clock }));
      const churnRandom = world.random();
      const pickRandom = world.random();

      const live: string[] = [];
      const crashedAt = new Map<string, number>();
      const startedAt = new Map<string, number>();
      const clients = new Map<string, RpcRegistryStore>();
      let nextInstance = 1;
      const start = (): string => {
        const id = `inst-${nextInstance++}`;
        world.service(id, { concurrency: 32, serviceTime: lognormal(5, 0.3) });
        const clock = world.network.clockOf(id);
        const store = new RpcRegistryStore(world, id, 'registry', clock);
        clients.set(id, store);
        live.push(id);
        startedAt.set(id, world.clock.now());
        void new ServiceRegistry(store, { clock })
          .register({ service: SERVICE, id, address: id }, { ttlMs: knobs.ttlMs })
          .catch(() => undefined);
        return id;
      };
      const initial: string[] = [];
      for (let i = 0; i < knobs.instances; i++) initial.push(start());

      const churn = (): void => {
        const victim = live.splice(Math.floor(churnRandom.next() * live.length), 1)[0]!;
        world.services.get(victim)!.crash();
        clients.get(victim)!.kill();
        crashedAt.set(victim, world.clock.now());
        crashes.inc();
        start();
        world.clock.setTimeout(churn, knobs.churnEveryMs * (0.5 + churnRandom.next()));
      };
      world.clock.setTimeout(churn, knobs.churnEveryMs * (0.5 + churnRandom.next()));

      // The client's list of instances: fixed at start, or fed by the registry.
      let targets: readonly string[] = initial;
      if (discover) {
        targets = [];
        const noticedGone = new Set<string>();
        const noticedNew = new Set<string>();
        new ServiceRegistry(new RpcRegistryStore(world, 'client', 'registry', world.clock), {
          clock: world.clock,
        }).watch(
          SERVICE,
          (snapshot) => {
            targets = snapshot.instances.map((instance) => instance.address);
            const now = world.clock.now();
            for (const id of targets) {
              if (noticedNew.has(id)) continue;
              noticedNew.add(id);
              if (!initial.includes(id)) join.record(now - startedAt.get(id)!);
            }
            for (const [id, at] of crashedAt) {
              if (noticedGone.has(id) || targets.includes(id)) continue;
              noticedGone.add(id);
              removal.record(now - at);
            }
          },
          { intervalMs: knobs.watchIntervalMs },
        );
      }
      world.sample('list.dead', () => targets.filter((id) => crashedAt.has(id)).length);
      // How long the longest-dead instance still listed has been dead, every 100 ms.
      world.sample(
        'list.deadForMs',
        () => {
          const now = world.clock.now();
          let longest = 0;
          for (const id of targets) {
            const at = crashedAt.get(id);
            if (at !== undefined && now - at > longest) longest = now - at;
          }
          return longest;
        },
        100,
      );

      world.node('client');
      const perCall = timeout(200, { clock: world.clock });
      openLoop(world.sim, constantRate(knobs.rps), () =>
        world.track('req', () => {
          routed.inc();
          if (targets.length === 0) {
            noTarget.inc();
            return Promise.reject(new Error('no instance to call'));
          }
          const target = targets[Math.floor(pickRandom.next() * targets.length)]!;
          if (crashedAt.has(target)) toDead.inc();
          if (!initial.includes(target)) toNew.inc();
          return perCall.execute(({ signal }) => world.call('client', target, 'work', { signal }));
        }),
      );
    };
    const percent = (part: string, of: readonly string[]) => (s: { counters: Record<string, number> }) => {
      const total = of.reduce((sum, name) => sum + (s.counters[name] ?? 0), 0);
      return total === 0 ? Number.NaN : (100 * (s.counters[part] ?? 0)) / total;
    };
    return runVariants(
      seed,
      options,
      { baseline: (world) => build(world, false), pattern: (world) => build(world, true) },
      (metrics) => [
        row('Requests routed to dead instances', '%', 'lower', metrics, percent('routed.dead', ['routed'])),
        row('Failed requests', '%', 'lower', metrics, percent('req.failed', ['req.ok', 'req.failed'])),
        row('Requests served by new instances', '%', 'higher', metrics, percent('routed.new', ['routed'])),
        row('Longest time a dead instance stayed listed', 'ms', 'lower', metrics, (s) => {
          const removed = s.histograms['removal.latency'];
          const stillListed = s.gauges['list.deadForMs']?.max ?? 0;
          return removed && removed.count > 0 ? Math.max(removed.max, stillListed) : stillListed;
        }),
        row(
          'Longest wait for a new instance to be listed',
          'ms',
          'lower',
          metrics,
          measures.latency('join', 'max'),
        ),
        row(
          'Dead instances listed at the end',
          'instances',
          'lower',
          metrics,
          (s) => s.gauges['list.dead']?.value ?? 0,
        ),
      ],
      { defaultLink: { latency: constant(1) } },
    );
  },
});
