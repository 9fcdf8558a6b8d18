import { check, checkKnownKeys } from '../../../options/index.js';
import { hashKey, type ShardKey } from '../../sharding/hash.js';
import type { PositionTable } from '../../sharding/partitioners/hash-table.js';
import { KetamaRing } from '../../sharding/partitioners/ketama-ring.js';
import { Maglev } from '../../sharding/partitioners/maglev.js';
import type { Host } from '../host.js';
import type { BalancingAlgorithm } from './algorithm.js';

/**
 * Options shared by {@link ringHash} and {@link maglevHash}.
 * @category Load balancing
 */
export interface ConsistentHashOptions {
  /**
   * Consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam): when set, a host
   * never takes more than `ceil(balanceFactor × (outstanding + 1) × weight / totalWeight)` calls;
   * a key whose host is full goes on to the next host of the ring or table. HAProxy's
   * `hash-balance-factor 150` is `1.5`. Undefined means no bound (pure affinity).
   * @default undefined
   */
  readonly balanceFactor?: number;
}

/**
 * Options of {@link ringHash}.
 * @category Load balancing
 */
export interface RingHashOptions extends ConsistentHashOptions {
  /**
   * Ring points per host of average weight.
   * @default 160
   */
  readonly vnodes?: number;
}

/**
 * Options of {@link maglevHash}.
 * @category Load balancing
 */
export interface MaglevHashOptions extends ConsistentHashOptions {
  /**
   * Maglev table size, a prime.
   * @default 65537
   */
  readonly tableSize?: number;
}

/**
 * Defaults of {@link RingHashOptions}.
 * @example
 * ```ts
 * import { DEFAULT_RING_HASH_OPTIONS } from '@keel/core/load-balancing';
 * console.log(DEFAULT_RING_HASH_OPTIONS.vnodes); // 160
 * ```
 * @category Load balancing
 */
export const DEFAULT_RING_HASH_OPTIONS = { vnodes: 160, balanceFactor: undefined } as const;

/**
 * Defaults of {@link MaglevHashOptions}.
 * @example
 * ```ts
 * import { DEFAULT_MAGLEV_HASH_OPTIONS } from '@keel/core/load-balancing';
 * console.log(DEFAULT_MAGLEV_HASH_OPTIONS.tableSize); // 65537
 * ```
 * @category Load balancing
 */
export const DEFAULT_MAGLEV_HASH_OPTIONS = { tableSize: 65_537, balanceFactor: undefined } as const;

type Table = PositionTable & { readonly shards: readonly string[] };

function hashAlgorithm(
  name: string,
  balanceFactor: number | undefined,
  build: (hosts: readonly Host[]) => Table,
): BalancingAlgorithm {
  return {
    name,
    // Slow start would move keys around while it ramps, defeating affinity.
    usesWeights: false,
    create: ({ random }) => {
      let hosts: readonly Host[] = [];
      let table: Table | undefined;
      let share = new Float64Array(0);
      return {
        update: (eligible) => {
          const same =
            table !== undefined &&
            eligible.length === hosts.length &&
            eligible.every((h, i) => h.endpoint === hosts[i]!.endpoint);
          hosts = eligible;
          if (same) return;
          table = build(eligible);
          const total = eligible.reduce((sum, h) => sum + h.endpoint.weight, 0);
          share = Float64Array.from(eligible, (h) => h.endpoint.weight / total);
        },
        pick: (key: ShardKey | undefined) => {
          const t = table!;
          // Without a key there is no affinity to keep: any position will do.
          const hash = key === undefined ? Math.floor(random.next() * 4294967296) : hashKey(key);
          let position = t.positionOf(hash);
          if (balanceFactor === undefined) return hosts[t.ownerAt(position)]!;
          let outstanding = 0;
          for (let i = 0; i < hosts.length; i++) outstanding += hosts[i]!.outstanding;
          const size = t.positionCount;
          for (let step = 0; step < size; step++) {
            const owner = t.ownerAt(position);
            if (hosts[owner]!.outstanding < Math.ceil(balanceFactor * (outstanding + 1) * share[owner]!))
              return hosts[owner]!;
            position = position + 1 === size ? 0 : position + 1;
          }
          return hosts[t.ownerAt(t.positionOf(hash))]!;
        },
      };
    },
  };
}

function checkFactor(value: unknown): number | undefined {
  return value === undefined ? undefined : check.number('balanceFactor', value, 1, { above: 1 });
}

/**
 * Ring hash (ketama) affinity: calls with the same key go to the same host while membership is
 * stable; a host joining or leaving moves only about 1/n of keys. Optional bounded loads.
 * @example
 * ```ts
 * import { EndpointSet, loadBalancer, ringHash } from '@keel/core/load-balancing';
 * const balancer = loadBalancer(new EndpointSet([{ id: 'a' }, { id: 'b' }]), ringHash({ balanceFactor: 1.25 }));
 * console.log(balancer.pick('session:42').id);
 * ```
 * @category Load balancing
 */
export function ringHash(options: RingHashOptions = {}): BalancingAlgorithm {
  checkKnownKeys('options', options, Object.keys(DEFAULT_RING_HASH_OPTIONS));
  const vnodes = check.integer('vnodes', options.vnodes, DEFAULT_RING_HASH_OPTIONS.vnodes, {
    min: 1,
    max: 65_536,
  });
  const factor = checkFactor(options.balanceFactor);
  return hashAlgorithm(
    factor === undefined ? 'ring-hash' : `ring-hash(bounded ${factor})`,
    factor,
    (hosts) =>
      new KetamaRing(
        hosts.map((h) => ({ id: h.endpoint.id, weight: h.endpoint.weight })),
        { vnodes },
      ),
  );
}

/**
 * Maglev affinity: one table read per pick, near-perfect balance, slightly more keys moved on a
 * membership change than a ring. Optional bounded loads.
 * @example
 * ```ts
 * import { EndpointSet, loadBalancer, maglevHash } from '@keel/core/load-balancing';
 * const balancer = loadBalancer(new EndpointSet([{ id: 'a' }, { id: 'b' }]), maglevHash({ tableSize: 1009 }));
 * console.log(balancer.pick('flow-7').id);
 * ```
 * @category Load balancing
 */
export function maglevHash(options: MaglevHashOptions = {}): BalancingAlgorithm {
  checkKnownKeys('options', options, Object.keys(DEFAULT_MAGLEV_HASH_OPTIONS));
  const tableSize = check.integer('tableSize', options.tableSize, DEFAULT_MAGLEV_HASH_OPTIONS.tableSize, {
    min: 2,
    max: 5_000_011,
  });
  const factor = checkFactor(options.balanceFactor);
  // Validate the prime now rather than at the first pick.
  new Maglev(['probe'], { tableSize });
  return hashAlgorithm(
    factor === undefined ? 'maglev' : `maglev(bounded ${factor})`,
    factor,
    (hosts) =>
      new Maglev(
        hosts.map((h) => ({ id: h.endpoint.id, weight: h.endpoint.weight })),
        { tableSize },
      ),
  );
}
