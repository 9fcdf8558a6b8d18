import type { Clock } from '@keel/core/clock';
import {
  FencedStore,
  InMemoryLeaseStore,
  isStaleFencingTokenError,
  type LeaseHolder,
  LeaseLockProvider,
  type LeaseStore,
  type LockHandle,
} from '@keel/core/distributed-lock';
import { check, checkKnownKeys } from '@keel/core/options';
import { sleep } from '@keel/core/signal';
import { timeout } from '@keel/core/timeout';
import { constant, defineScenario, measures, row, runVariants, type World } from '@keel/sim';
import { type StoreCall, serveStore, storeCaller } from '../remote-store.js';

/** One request to a lease store served over the simulated network. */
type LeaseRequest =
  | { readonly op: 'tryAcquire'; readonly key: string; readonly owner: string; readonly ttlMs: number }
  | { readonly op: 'extend'; readonly key: string; readonly owner: string; readonly ttlMs: number }
  | { readonly op: 'release'; readonly key: string; readonly owner: string }
  | { readonly op: 'holder'; readonly key: string };

/**
 * Serves `store` from the node `node`: every call of a remote {@link RpcLeaseStore} becomes one
 * request and one answer over the simulated network, so latency, loss and partitions apply.
 * `onGrant` sees every token the store issues, in order.
 *
 * @example
 * ```ts
 * import { InMemoryLeaseStore } from '@keel/core/distributed-lock';
 * import { World } from '@keel/sim';
 * import { RpcLeaseStore, serveLeaseStore } from './scenario.js';
 * const world = new World({ seed: 1 });
 * serveLeaseStore(world, 'locks', new InMemoryLeaseStore({ clock: world.clock }));
 * const store = new RpcLeaseStore(world, 'client', 'locks', { clock: world.clock });
 * const token = store.tryAcquire('job', 'client', 1_000);
 * await world.run(100);
 * console.log(await token); // 1n
 * ```
 */
export function serveLeaseStore(
  world: World,
  node: string,
  store: LeaseStore,
  onGrant?: (key: string, owner: string, token: bigint) => void,
): void {
  serveStore(world, node, (request: LeaseRequest): Promise<unknown> => {
    switch (request.op) {
      case 'tryAcquire':
        return store.tryAcquire(request.key, request.owner, request.ttlMs).then((token) => {
          if (token !== undefined) onGrant?.(request.key, request.owner, token);
          return token;
        });
      case 'extend':
        return store.extend(request.key, request.owner, request.ttlMs);
      case 'release':
        return store.release(request.key, request.owner);
      case 'holder':
        return store.holder(request.key);
    }
  });
}

/**
 * Options of {@link RpcLeaseStore}.
 */
export interface RpcLeaseStoreOptions {
  /** The calling node's clock, on which each call's timeout runs. */
  readonly clock: Clock;
  /** How long a call waits for its answer before it fails with a TimeoutError. @default 250 */
  readonly timeoutMs?: number;
}

/**
 * A {@link LeaseStore} whose calls travel from node `from` to the store served on node `to`
 * (see {@link serveLeaseStore}). A lost request or answer fails the call after `timeoutMs`, as a
 * client library's timeout would; the operation may still have happened at the store.
 *
 * @example
 * ```ts
 * import { LeaseLockProvider } from '@keel/core/distributed-lock';
 * import { World } from '@keel/sim';
 * import { RpcLeaseStore } from './scenario.js';
 * const world = new World({ seed: 1 });
 * const locks = new LeaseLockProvider(new RpcLeaseStore(world, 'client', 'locks', { clock: world.clock }), {
 *   clock: world.clock,
 * });
 * console.log(typeof locks.acquire);
 * ```
 */
export class RpcLeaseStore implements LeaseStore {
  private readonly call: StoreCall<LeaseRequest>;

  constructor(world: World, from: string, to: string, options: RpcLeaseStoreOptions) {
    checkKnownKeys('RpcLeaseStore', options, ['clock', 'timeoutMs']);
    const clock = check.object<Clock>('clock', options.clock) as Clock;
    const timeoutMs = check.duration('timeoutMs', options.timeoutMs, 250, { above: 0 });
    this.call = storeCaller(world, from, to, clock, timeoutMs);
  }

  tryAcquire(key: string, owner: string, ttlMs: number): Promise<bigint | undefined> {
    return this.call({ op: 'tryAcquire', key, owner, ttlMs });
  }
  extend(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.call({ op: 'extend', key, owner, ttlMs });
  }
  release(key: string, owner: string): Promise<boolean> {
    return this.call({ op: 'release', key, owner });
  }
  holder(key: string): Promise<LeaseHolder | undefined> {
    return this.call({ op: 'holder', key });
  }
}

/** A request to the shared counter that the lock protects. */
type StorageRequest =
  | { readonly op: 'read'; readonly token: bigint }
  | { readonly op: 'write'; readonly token: bigint; readonly value: number; readonly id: number };

const LOCK_KEY = 'counter';
const FAULTY_CLIENT = 'client-1';

/**
 * Split brain on a lease lock. Several clients increment one counter on a storage node, each
 * increment a read and a write inside a lease-based lock. Every so often one client is stopped
 * (a garbage-collection pause) or cut off from the network right after it has checked that it
 * still holds the lock and just before its write, for longer than the lease. Its lease expires,
 * another client takes the lock, and the stopped client's write lands late. The baseline's
 * storage accepts every write; the pattern's storage is a `FencedStore` that refuses any access
 * carrying an older fencing token than one it has already seen.
 *
 * @example
 * ```ts
 * import { resolveKnobs } from '@keel/sim';
 * import { splitBrainScenario } from './scenario.js';
 * const result = await splitBrainScenario.run(1, resolveKnobs(splitBrainScenario.knobs), { durationMs: 10_000 });
 * console.log(result.summary.rows[0]);
 * ```
 */
export const splitBrainScenario = defineScenario({
  id: 'split-brain',
  name: 'Split brain on a lease lock',
  description:
    'Clients increment a shared counter (read, then write) under a lease lock served over the network. ' +
    'Every few seconds client-1 stops, by a pause like a long garbage collection or by a network ' +
    'partition, after it has checked that it holds the lock and before its write, for longer than the ' +
    'lease. The lease expires, another client takes the lock, and client-1 writes late. Without fencing ' +
    'the storage accepts that write: it overwrites newer work and increments are lost. With fencing, ' +
    'every read and write carries the lock token and the storage refuses an older token once it has ' +
    'seen a newer one, so no stale write is accepted and no increment is lost.',
  knobs: {
    clients: { type: 'number', label: 'Clients', default: 3, min: 2, max: 8, step: 1 },
    ttlMs: {
      type: 'number',
      label: 'Lease',
      default: 1_000,
      min: 200,
      max: 10_000,
      step: 100,
      unit: 'ms',
    },
    workMs: {
      type: 'number',
      label: 'Work in the lock',
      description: 'Time between reading the counter and writing it back.',
      default: 50,
      min: 1,
      max: 1_000,
      step: 1,
      unit: 'ms',
    },
    fault: {
      type: 'choice',
      label: 'Fault',
      description: 'A process pause, or a partition of client-1 from every other node.',
      options: ['pause', 'partition'],
      default: 'pause',
    },
    faultMs: {
      type: 'number',
      label: 'Fault length',
      default: 2_500,
      min: 0,
      max: 20_000,
      step: 100,
      unit: 'ms',
    },
    faultEveryMs: {
      type: 'number',
      label: 'Fault every',
      default: 5_000,
      min: 1_000,
      max: 60_000,
      step: 500,
      unit: 'ms',
    },
  },
  defaultDurationMs: 30_000,
  run: (seed, knobs, options) => {
    const build = (world: World, fenced: boolean): void => {
      const m = world.metrics;
      const grants = m.counter('lock.grants');
      const nonIncreasing = m.counter('tokens.nonincreasing');
      const accepted = m.counter('writes.accepted');
      const conflicting = m.counter('writes.conflicting');
      const refused = m.counter('writes.refused');
      const faults = m.counter('faults');
      const lost = m.gauge('updates.lost');
      const value = m.gauge('counter');
      lost.set(0);
      value.set(0);

      let lastToken = 0n;
      const leases = new InMemoryLeaseStore({ clock: world.clock });
      serveLeaseStore(world, 'locks', leases, (_key, _owner, token) => {
        grants.inc();
        if (token <= lastToken) nonIncreasing.inc();
        lastToken = token;
      });

      // The storage: a counter, the highest token any access has carried (watched in both
      // variants, enforced only with fencing), and the increments whose write was accepted.
      world.node('storage');
      const resource = new FencedStore<number>();
      let plainValue = 0;
      let highestSeen = 0n;
      const acceptedIncrements = new Set<number>();
      const settle = (current: number): void => {
        value.set(current);
        lost.set(acceptedIncrements.size - current);
      };
      world.rpc.serve('storage', (body, reply) => {
        const request = body as StorageRequest;
        const stale = request.token < highestSeen;
        if (request.token > highestSeen) highestSeen = request.token;
        if (request.op === 'read') {
          if (!fenced) return reply(true, plainValue);
          try {
            // A read registers its token too, so a late writer cannot slip between it and its write.
            reply(
              true,
              resource.update(LOCK_KEY, request.token, (v) => v ?? 0),
            );
          } catch (error) {
            refused.inc();
            reply(false, error);
          }
          return;
        }
        if (fenced) {
          try {
            resource.write(LOCK_KEY, request.token, request.value);
          } catch (error) {
            refused.inc();
            return reply(false, error);
          }
        } else plainValue = request.value;
        accepted.inc();
        if (stale) conflicting.inc();
        acceptedIncrements.add(request.id);
        settle(request.value);
        reply(true, undefined);
      });

      let nextIncrement = 0;
      let nextFaultAt = knobs.faultEveryMs / 2;
      for (let i = 1; i <= knobs.clients; i++) {
        const name = `client-${i}`;
        world.node(name);
        const clock = world.network.clockOf(name);
        const random = world.random();
        const locks = new LeaseLockProvider(new RpcLeaseStore(world, name, 'locks', { clock }), {
          clock,
          random,
          id: name,
          defaults: {
            ttlMs: knobs.ttlMs,
            waitMs: Number.POSITIVE_INFINITY,
            retry: { delayMs: 20, maxDelayMs: 200 },
          },
        });
        const storage = timeout(200, { clock });
        const send = <T>(request: StorageRequest): Promise<T> =>
          storage.execute(({ signal }) => world.call<T>(name, 'storage', request, { signal }));

        // The fault strikes client-1 at its worst moment: after its check, before its write.
        const strike = async (): Promise<void> => {
          if (name !== FAULTY_CLIENT || knobs.faultMs === 0 || clock.now() < nextFaultAt) return;
          while (nextFaultAt <= clock.now()) nextFaultAt += knobs.faultEveryMs;
          faults.inc();
          if (knobs.fault === 'pause') {
            await sleep(clock, knobs.faultMs);
            return;
          }
          const cut = world.network.isolate(name);
          world.sim.schedule(knobs.faultMs, () => cut.heal(), undefined);
        };

        const increment = async (lock: LockHandle): Promise<void> => {
          const current = await send<number>({ op: 'read', token: lock.token });
          await sleep(clock, knobs.workMs);
          if (!lock.held) return; // an honest client checks before it writes
          await strike();
          const write: StorageRequest = {
            op: 'write',
            token: lock.token,
            value: current + 1,
            id: nextIncrement++,
          };
          // The driver resends a write that timed out until it is answered.
          for (;;) {
            try {
              await send(write);
              return;
            } catch (error) {
              if (isStaleFencingTokenError(error)) return;
            }
          }
        };

        const loop = async (): Promise<void> => {
          for (;;) {
            let lock: LockHandle;
            try {
              lock = await locks.acquire(LOCK_KEY);
            } catch {
              await sleep(clock, 50);
              continue;
            }
            await increment(lock).catch(() => undefined);
            await lock.release().catch(() => false);
            await sleep(clock, 5 + random.next() * 20);
          }
        };
        void loop();
      }
    };
    return runVariants(
      seed,
      options,
      { baseline: (world) => build(world, false), pattern: (world) => build(world, true) },
      (metrics) => [
        row('Conflicting writes accepted', 'writes', 'lower', metrics, measures.count('writes.conflicting')),
        row('Lost increments', 'increments', 'lower', metrics, (s) => s.gauges['updates.lost']?.value ?? 0),
        row('Stale accesses refused', 'requests', 'higher', metrics, measures.count('writes.refused')),
        row('Counter at the end', 'increments', 'higher', metrics, (s) => s.gauges['counter']?.value ?? 0),
        row('Lock grants', 'grants', 'higher', metrics, measures.count('lock.grants')),
        row(
          'Non-increasing tokens issued',
          'tokens',
          'lower',
          metrics,
          measures.count('tokens.nonincreasing'),
        ),
      ],
      { defaultLink: { latency: constant(1) } },
    );
  },
});
