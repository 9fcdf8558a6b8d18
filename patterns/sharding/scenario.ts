import type { Random } from '@keel/core/random';
import {
  hashKey,
  JumpHash,
  KetamaRing,
  Maglev,
  movedFraction,
  type Partitioner,
  Rendezvous,
} from '@keel/core/sharding';
import {
  constant,
  constantRate,
  defineScenario,
  lognormal,
  type MetricsSnapshot,
  measures,
  openLoop,
  row,
  runVariants,
  type SummaryRow,
  type VariantSetup,
  type World,
} from '@keel/sim';

/** The name of the key of popularity rank `rank` (0 is the most requested). */
export const keyName = (rank: number): string => `item:${rank}`;

/**
 * Key popularity under a Zipf law: rank `k` (0-based) has weight `1 / (k + 1)^s`. Holds the
 * normalised probabilities and their running sums, so a draw is one binary search.
 */
export class ZipfKeys {
  /** Probability of each rank. */
  readonly probabilities: Float64Array;
  private readonly cumulative: Float64Array;

  constructor(
    readonly size: number,
    readonly exponent: number,
  ) {
    this.probabilities = new Float64Array(size);
    this.cumulative = new Float64Array(size);
    let total = 0;
    for (let k = 0; k < size; k++) {
      const weight = 1 / (k + 1) ** exponent;
      this.probabilities[k] = weight;
      total += weight;
    }
    let running = 0;
    for (let k = 0; k < size; k++) {
      this.probabilities[k]! /= total;
      running += this.probabilities[k]!;
      this.cumulative[k] = running;
    }
  }

  /** A rank drawn by popularity. */
  draw(random: Random): number {
    const u = random.next();
    let low = 0;
    let high = this.size - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.cumulative[mid]! > u) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}

/**
 * `hash(key) % n`: the placement most systems start with. Every key whose hash modulo n differs
 * from modulo n + 1 changes owner when a shard is added: about n / (n + 1) of them.
 */
export function moduloPartitioner(shards: readonly string[]): Partitioner {
  return { shards, getShard: (key) => shards[hashKey(key) % shards.length]! };
}

/** One placement strategy: a partitioner over a list of shards. */
interface Placement {
  readonly label: string;
  readonly make: (shards: readonly string[]) => Partitioner;
}

/**
 * The variants, by name: `baseline` places keys by `hash % n`, `pattern` by jump consistent
 * hashing; the other consistent schemes of `@keel/core/sharding` run too.
 */
export const SHARDING_VARIANTS = {
  baseline: { label: 'hash % n', make: moduloPartitioner },
  pattern: { label: 'jump hash', make: (shards) => new JumpHash(shards) },
  'ketama-ring': { label: 'ketama ring (160 vnodes)', make: (shards) => new KetamaRing(shards) },
  rendezvous: { label: 'rendezvous', make: (shards) => new Rendezvous(shards) },
  maglev: { label: 'Maglev', make: (shards) => new Maglev(shards) },
} as const satisfies Readonly<Record<string, Placement>>;

/**
 * A sharded cache in front of a database: every shard holds the keys it owns, a request goes to
 * the key's owner, and an owner that does not hold the key yet (a cold owner) first fetches it
 * from the database. Popularity follows a Zipf law. Mid-run one shard is added; the scenario
 * measures how many keys change owner, how many requests then find a cold owner, how hard the
 * database is hit, and how uneven the shards' load is.
 *
 * @example
 * ```ts
 * import { resolveKnobs } from '@keel/sim';
 * import { shardingScenario } from './scenario.js';
 * const result = await shardingScenario.run(1, resolveKnobs(shardingScenario.knobs, {}), {
 *   durationMs: 40_000,
 * });
 * console.log(result.summary.rows[0]);
 * ```
 */
export const shardingScenario = defineScenario({
  id: 'sharding',
  name: 'Adding a shard: hash modulo n against consistent hashing',
  description:
    'A cache is split over ten shards in front of a database. Requests follow a Zipf law over ' +
    'a hundred thousand keys, each goes to its key\u2019s owner, and an owner that does not hold ' +
    'the key yet fetches it from the database first. Before the change every shard holds all the ' +
    'keys it owns. Then an eleventh shard joins. The baseline places keys by hash modulo the ' +
    'number of shards: almost every key changes owner at once, so nearly every request misses ' +
    'and the database, sized for a trickle, queues up. The pattern places keys with jump ' +
    'consistent hashing: only the keys the new shard takes over move, about one in eleven. ' +
    'Ketama ring, rendezvous and Maglev placements run on the same requests too. No placement ' +
    'spreads the hottest key: the shard that owns it carries more than its share in every run.',
  knobs: {
    rps: { type: 'number', label: 'Load', default: 1_000, min: 10, max: 5_000, step: 10, unit: 'req/s' },
    shards: { type: 'number', label: 'Shards before the change', default: 10, min: 1, max: 100, step: 1 },
    keys: { type: 'number', label: 'Keys', default: 100_000, min: 100, max: 1_000_000, step: 100 },
    zipf: {
      type: 'number',
      label: 'Zipf exponent',
      description: 'Skew of key popularity: 0 is uniform, 1 is a typical web workload.',
      default: 0.99,
      min: 0,
      max: 1.5,
      step: 0.01,
    },
    addAtMs: {
      type: 'number',
      label: 'Shard added at',
      default: 20_000,
      min: 0,
      max: 600_000,
      step: 1_000,
      unit: 'ms',
    },
    fetchMs: {
      type: 'number',
      label: 'Database fetch',
      description: 'Median time the database takes to return one key to a cold owner.',
      default: 20,
      min: 1,
      max: 1_000,
      step: 1,
      unit: 'ms',
    },
  },
  defaultDurationMs: 40_000,
  run: (seed, knobs, options) => {
    const zipf = new ZipfKeys(knobs.keys, knobs.zipf);
    const names = Array.from({ length: knobs.shards + 1 }, (_, i) => `shard-${i}`);
    const keys = Array.from({ length: knobs.keys }, (_, rank) => keyName(rank));
    const build = (world: World, placement: Placement): void => {
      for (const name of names) world.service(name, { concurrency: 8, serviceTime: lognormal(2, 0.3) });
      world.service('database', { concurrency: 8, serviceTime: lognormal(knobs.fetchMs, 0.3) });
      world.node('client');
      const popularity = world.random();
      const before = placement.make(names.slice(0, -1));
      const after = placement.make(names);
      let current = before;
      let changed = false;
      // Ownership taken over since the change: `shard\0key`.
      const fetched = new Set<string>();

      let movedTraffic = 0;
      for (let rank = 0; rank < knobs.keys; rank++)
        if (before.getShard(keys[rank]!) !== after.getShard(keys[rank]!))
          movedTraffic += zipf.probabilities[rank]!;
      world.metrics.gauge('moved.keys').set(100 * movedFraction(keys, before, after));
      world.metrics.gauge('moved.traffic').set(100 * movedTraffic);

      const cold = world.metrics.counter('cold');
      const afterChange = world.metrics.counter('after.requests');
      const afterLatency = world.metrics.latency('after.latency');
      const perShard = new Map(names.map((name) => [name, world.metrics.counter(`after.${name}`)]));
      world.sim.scheduleAt(
        knobs.addAtMs,
        () => {
          current = after;
          changed = true;
          world.trace?.emit('reshard', { shards: names.length });
        },
        undefined,
      );

      const send = async (key: string): Promise<unknown> => {
        const owner = current.getShard(key);
        if (!changed) return world.call('client', owner, key);
        afterChange.inc();
        perShard.get(owner)!.inc();
        const start = world.clock.now();
        try {
          const holder = `${owner}\u0000${key}`;
          if (before.getShard(key) !== owner && !fetched.has(holder)) {
            cold.inc();
            await world.call(owner, 'database', key);
            fetched.add(holder);
          }
          return await world.call('client', owner, key);
        } finally {
          afterLatency.record(world.clock.now() - start);
        }
      };
      openLoop(world.sim, constantRate(knobs.rps), () => {
        const key = keys[zipf.draw(popularity)]!;
        world.track('req', () => send(key));
      });
    };
    const variants: Record<string, VariantSetup> = {};
    for (const [name, placement] of Object.entries(SHARDING_VARIANTS))
      variants[name] = (world) => build(world, placement);
    return runVariants(seed, options, variants, (metrics) => summarize(metrics, names), {
      defaultLink: { latency: constant(1) },
    });
  },
});

/** Requests after the change to the busiest shard, over the mean of all shards. */
function hotShardLoad(names: readonly string[]): (m: MetricsSnapshot) => number {
  return (m) => {
    const counts = names.map((name) => m.counters[`after.${name}`] ?? 0);
    const total = counts.reduce((a, b) => a + b, 0);
    return total === 0 ? Number.NaN : Math.max(...counts) / (total / counts.length);
  };
}

const coldShare = (m: MetricsSnapshot): number => {
  const after = m.counters['after.requests'] ?? 0;
  return after === 0 ? Number.NaN : (100 * (m.counters['cold'] ?? 0)) / after;
};

function summarize(
  metrics: Readonly<Record<string, MetricsSnapshot>>,
  names: readonly string[],
): SummaryRow[] {
  const gauge = (name: string) => (m: MetricsSnapshot) => m.gauges[name]?.value ?? Number.NaN;
  const afterP99 = (m: MetricsSnapshot) => m.histograms['after.latency']?.p99 ?? Number.NaN;
  const rows: SummaryRow[] = [
    row('Keys moved by the new shard', '%', 'lower', metrics, gauge('moved.keys')),
    row('Traffic whose owner changed', '%', 'lower', metrics, gauge('moved.traffic')),
    row('Requests to a cold owner after the change', '%', 'lower', metrics, coldShare),
    row('Database fetches', 'req', 'lower', metrics, measures.count('cold')),
    row('p99 latency after the change', 'ms', 'lower', metrics, afterP99),
    row('Hottest shard after the change (max/mean)', '×', 'lower', metrics, hotShardLoad(names)),
  ];
  // The other consistent placements against the modulo baseline.
  for (const [name, placement] of Object.entries(SHARDING_VARIANTS)) {
    if (name === 'baseline' || name === 'pattern') continue;
    const label = placement.label;
    rows.push(
      row(`Keys moved, ${label} in the pattern column`, '%', 'lower', metrics, gauge('moved.keys'), name),
      row(`Requests to a cold owner, ${label} in the pattern column`, '%', 'lower', metrics, coldShare, name),
    );
  }
  return rows;
}
