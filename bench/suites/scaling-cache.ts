// The caching part of the scaling suite. Speed: Keel's cache (W-TinyLFU admission on) against
// lru-cache and mnemonist's LRUCache on the same keys and capacity, with the bare Map lookup
// every one of them starts with as the limit. Quality: hit ratios of Keel's policies, of
// lru-cache replaying the same trace, and of Belady's optimal, on synthetic traces, as ratio
// cases (one per workload) that land in the suite's results file beside the speed cases.

import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Cache,
  loopTrace,
  lru,
  mixTraces,
  optimal,
  s3Fifo,
  scanTrace,
  simulate,
  type Trace,
  wTinyLfu,
  zipfTrace,
} from '@keel/core/caching';
import { SeededRandom } from '@keel/core/random';
import { LRUCache } from 'lru-cache';
import { LRUCache as MnemonistLru } from 'mnemonist';
import { configFromEnv } from '../harness/config.js';
import type { BenchCase, MemoryCase, Operation, RatioCase, TimedContender } from '../harness/types.js';

const LRU_CACHE = 'lru-cache@11.5.3';
const MNEMONIST = 'mnemonist@0.40.8';
const MAP_LIMIT = 'Map.get (limit)';
const MAP_RING_LIMIT = 'Map get+delete+set, FIFO (limit)';
const OPTIMAL = 'optimal (Belady, limit)';
const STATIC_TOP_K = 'static top-k (online limit)';
const IRM_OPTIMUM = 'best online policy, expected (A0, limit)';

/** Entries resident in every cache of the speed cases. */
const CAPACITY = 10_000;
/** Reads and writes follow a fixed pseudo-random order, the same for every contender. */
const ORDER_MASK = (1 << 16) - 1;

interface AnyCache {
  get(key: string): unknown;
  set(key: string, value: number): unknown;
}

function keysOf(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}:${i}`);
}

/** URL-like keys of 45 to 49 characters: longer than Keel's index hashes itself (see SHORT_KEY_LENGTH). */
function longKeysOf(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `https://api.example.com/v2/${prefix}/${i}/profile`);
}

function order(range: number, seed: number): Int32Array {
  const random = new SeededRandom(seed);
  return Int32Array.from({ length: ORDER_MASK + 1 }, () => random.nextInt(range));
}

/** The time to live of the TTL workloads' entries: long enough that none expires during a run. */
const TTL_MS = 60_000;

/** Each contender's cache; `ttl` gives every entry a time to live, for the contenders that have one. */
const makers: Record<string, (ttl?: number) => AnyCache> = {
  keel: (ttl) =>
    new Cache<string, number>({ maxEntries: CAPACITY, policy: wTinyLfu(), ...(ttl ? { ttl } : {}) }),
  [LRU_CACHE]: (ttl) => new LRUCache<string, number>({ max: CAPACITY, ...(ttl ? { ttl } : {}) }),
  [MNEMONIST]: () => new MnemonistLru<string, number>(CAPACITY),
  [MAP_LIMIT]: () => new Map<string, number>(),
  [MAP_RING_LIMIT]: () => new MapRing(CAPACITY),
};

/**
 * The Map work any bounded cache does for a set: a lookup, and for a new key in a full cache
 * one delete and one insert. The oldest key leaves (FIFO), so no policy work is counted at all.
 */
class MapRing {
  private readonly index = new Map<string, number>();
  private readonly ring: string[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  get(key: string): number | undefined {
    return this.index.get(key);
  }

  set(key: string, value: number): void {
    if (this.index.get(key) !== undefined) {
      this.index.set(key, value);
      return;
    }
    if (this.ring.length < this.capacity) this.ring.push(key);
    else {
      this.index.delete(this.ring[this.next]!);
      this.ring[this.next] = key;
      this.next = (this.next + 1) % this.capacity;
    }
    this.index.set(key, value);
  }
}

/**
 * Compiles `expression` into its own closure for each contender, so that no call site inside
 * it is shared (and made polymorphic) by the contenders.
 */
function operation(expression: string, cache: AnyCache, keys: string[], positions: Int32Array): Operation {
  const factory = new Function(
    'cache',
    'keys',
    'positions',
    `let i = 0; return () => { const key = keys[positions[i++ & ${ORDER_MASK}]]; return ${expression}; };`,
  ) as (cache: AnyCache, keys: string[], positions: Int32Array) => Operation;
  return factory(cache, keys, positions);
}

interface Workload {
  readonly name: string;
  readonly expression: string;
  readonly note: string;
  /** Whether the issue's speed target (at least lru-cache's speed) applies: plain gets and sets. */
  readonly targeted: boolean;
  /** The bare-Map contender that bounds this workload from below, if any. */
  readonly limit?: string;
  /** A time to live for every entry (mnemonist, which has none, sits these out). */
  readonly ttl?: number;
  /** Fills the cache and returns the keys and the access order. */
  readonly setup: (cache: AnyCache) => { keys: string[]; positions: Int32Array };
}

// Each contender makes its own key strings, so that none inherits another's hashed or flattened strings.

/** A full cache of the first `CAPACITY` keys, read or written in a seeded order over all the keys. */
function residentSetup(makeKeys: () => string[], seed: number): Workload['setup'] {
  return (cache) => {
    const keys = makeKeys();
    for (let n = 0; n < CAPACITY; n++) cache.set(keys[n]!, n);
    return { keys, positions: order(keys.length, seed) };
  };
}

/** A cache filled by sets in a seeded order over `keys` (4x the capacity), which goes on. */
function evictingSetup(makeKeys: () => string[], seed: number): Workload['setup'] {
  return (cache) => {
    const keys = makeKeys();
    const positions = order(keys.length, seed);
    for (let n = 0; n < keys.length; n++) cache.set(keys[positions[n & ORDER_MASK]!]!, n);
    return { keys, positions };
  };
}

const speedWorkloads: Workload[] = [
  {
    name: 'cache get hit, random resident key',
    targeted: true,
    limit: MAP_LIMIT,
    expression: 'cache.get(key)',
    note: "keys like key:1234 (5 to 9 characters, in Keel's own index); every read hits; Keel records reads in a 64-entry buffer applied at the next write or miss (as Caffeine does), so in a run of nothing but hits most reads are not replayed to the policy",
    setup: residentSetup(() => keysOf('key', CAPACITY), 1),
  },
  {
    name: 'cache set, new keys evicting',
    targeted: true,
    limit: MAP_RING_LIMIT,
    expression: 'cache.set(key, i)',
    note: "keys like set:12345 (5 to 9 characters, in Keel's own index) drawn from 4x the capacity: mostly inserts into a full cache (Keel: an admission contest per insert)",
    setup: evictingSetup(() => keysOf('set', CAPACITY * 4), 2),
  },
  {
    name: 'cache set, update of a resident key',
    targeted: true,
    expression: 'cache.set(key, i)',
    note: 'keys like key:1234 (5 to 9 characters); every write replaces a value in place',
    setup: residentSetup(() => keysOf('key', CAPACITY), 3),
  },
  {
    name: 'cache get hit, 45- to 49-character keys',
    targeted: false,
    limit: MAP_LIMIT,
    expression: 'cache.get(key)',
    note: "URL-like keys, too long for Keel's own index: they live in a Map, as in the anchors (reported, no target: the target's figures are for short keys)",
    setup: residentSetup(() => longKeysOf('accounts', CAPACITY), 5),
  },
  {
    name: 'cache set, new 45- to 49-character keys evicting',
    targeted: false,
    limit: MAP_RING_LIMIT,
    expression: 'cache.set(key, i)',
    note: "URL-like keys drawn from 4x the capacity, too long for Keel's own index: each insert pays the three Map operations the anchors pay, and Keel also hashes the key for its sketch (reported, no target: the target's figures are for short keys)",
    setup: evictingSetup(() => longKeysOf('orders', CAPACITY * 4), 6),
  },
  {
    name: 'cache get hit, entries with a 60 s TTL',
    targeted: false,
    ttl: TTL_MS,
    expression: 'cache.get(key)',
    note: "keys like key:1234; both caches check the deadline on every read, lru-cache against a time it reads at most once a millisecond (its ttlResolution), Keel against its default clock, which does the same (coarseSystemClock) (reported, no target: the target's figures are without TTL)",
    setup: residentSetup(() => keysOf('key', CAPACITY), 7),
  },
  {
    name: 'cache set, new keys evicting, with a 60 s TTL',
    targeted: false,
    ttl: TTL_MS,
    expression: 'cache.set(key, i)',
    note: "keys like set:12345 drawn from 4x the capacity; Keel also puts each entry on its timer wheel (with the default 10% TTL jitter) and lets expired entries go on every write, where lru-cache keeps them until they are read or evicted (reported, no target: the target's figures are without TTL)",
    setup: evictingSetup(() => keysOf('set', CAPACITY * 4), 8),
  },
  {
    name: 'cache read-through, 1 miss in 6 (get, set on a miss)',
    targeted: false,
    expression: 'cache.get(key) ?? cache.set(key, i)',
    note: "keys like key:1234 (5 to 9 characters) drawn uniformly from 1.2x the capacity; every buffered read reaches Keel's policy here, so each access pays a sketch increment and each miss an admission contest that an LRU does not (reported, no target: the target covers plain gets and sets)",
    setup: residentSetup(() => keysOf('key', CAPACITY * 1.2), 4),
  },
];

function contender(label: string, workload: Workload): TimedContender {
  return {
    prepare: (): Operation => {
      const cache = makers[label]!(workload.ttl);
      const { keys, positions } = workload.setup(cache);
      return operation(workload.expression, cache, keys, positions);
    },
  };
}

function speedCase(workload: Workload): BenchCase {
  return {
    kind: 'time',
    synchronous: true,
    isolated: true,
    name: `${workload.name} (Keel W-TinyLFU vs LRU caches)`,
    note: `${CAPACITY.toLocaleString('en-US')} string keys; Keel runs W-TinyLFU (sketch, SLRU, hill climbing), the anchors plain LRU; ${workload.note}.`,
    ...(workload.targeted ? { targets: { [LRU_CACHE]: 1 } } : {}),
    keel: contender('keel', workload),
    anchors: {
      [LRU_CACHE]: contender(LRU_CACHE, workload),
      ...(workload.ttl === undefined ? { [MNEMONIST]: contender(MNEMONIST, workload) } : {}),
    },
    ...(workload.limit !== undefined
      ? { limits: { [workload.limit]: contender(workload.limit, workload) } }
      : {}),
  };
}

/** One synthetic workload of the hit-ratio table. */
interface TraceWorkload {
  readonly name: string;
  readonly capacity: number;
  readonly trace: Trace;
  /** Whether frequency matters here (W-TinyLFU is expected to beat LRU by 5 points). */
  readonly frequencyMatters: boolean;
  /** Whether accesses are independent draws (Zipf): W-TinyLFU should come within 5 points of optimal. */
  readonly independent: boolean;
  /** The Zipf law drawn from, when there is one: it gives the expected hit ratio of the best online policy. */
  readonly zipf?: { readonly keys: number; readonly s: number };
}

function traceWorkloads(smoke: boolean): TraceWorkload[] {
  const scale = smoke ? 0.02 : 1;
  const keys = Math.round(100_000 * scale);
  const length = Math.round(1_000_000 * scale);
  const capacity = Math.max(10, Math.round(1_000 * scale));
  const random = new SeededRandom(42);
  const zipf = (s: number, cacheSize = capacity) => ({
    name: `Zipf ${s}, ${keys.toLocaleString('en-US')} keys${cacheSize === capacity ? '' : `, cache of ${cacheSize.toLocaleString('en-US')}`}`,
    capacity: cacheSize,
    trace: zipfTrace(keys, length, s, random),
    frequencyMatters: true,
    independent: true,
    zipf: { keys, s },
  });
  return [
    zipf(0.7),
    zipf(0.9),
    zipf(1.1),
    // The same skews with a cache of a tenth of the keys: where the online ceiling sits
    // relative to Belady depends on the cache size.
    zipf(0.7, capacity * 10),
    zipf(0.9, capacity * 10),
    zipf(1.1, capacity * 10),
    {
      name: 'Zipf 0.9 + 30% one-off scan',
      capacity,
      trace: mixTraces(
        [
          zipfTrace(keys, Math.round(length * 0.7), 0.9, random),
          scanTrace(Math.round(length * 0.3), 1 << 24),
        ],
        random,
      ),
      frequencyMatters: true,
      independent: false,
    },
    {
      name: 'loop 1.5x the cache',
      capacity,
      trace: loopTrace(Math.round(capacity * 1.5), length / 4),
      frequencyMatters: true,
      independent: false,
    },
    {
      name: 'Zipf 0.9 + 40% loop 1.5x the cache',
      capacity,
      trace: mixTraces(
        [
          zipfTrace(keys, Math.round(length * 0.6), 0.9, random),
          loopTrace(Math.round(capacity * 1.5), Math.round(length * 0.4), 1 << 24),
        ],
        random,
      ),
      frequencyMatters: true,
      independent: false,
    },
    {
      // Each key is read about four times while the working set slides past it: recency pays,
      // and the adaptive window has to grow to nearly the whole cache to catch it. A short trace
      // measures how fast it gets there; over 1,000,000 accesses W-TinyLFU reaches 52.5% (LRU 57.1%).
      name: 'drifting working set (1.5x the cache, sliding)',
      capacity,
      trace: driftTrace(length / 5, capacity * 1.5, new SeededRandom(5)),
      frequencyMatters: false,
      independent: false,
    },
  ];
}

/** Key `i / 4 + r` at step `i`, with `r` drawn uniformly below `spread`: a sliding working set. */
function driftTrace(length: number, spread: number, random: SeededRandom): Trace {
  return Int32Array.from({ length }, (_, i) => Math.floor(i / 4) + random.nextInt(spread));
}

/** lru-cache replaying the same trace: checks that Keel's LRU is an LRU. */
function replayLruCache(trace: Trace, capacity: number): number {
  const cache = new LRUCache<number, number>({ max: capacity });
  let hits = 0;
  for (let i = 0; i < trace.length; i++) {
    const key = trace[i]!;
    if (cache.get(key) === undefined) cache.set(key, 1);
    else hits++;
  }
  return hits / trace.length;
}

/**
 * The expected hit ratio of the best online policy on independent draws from a Zipf law: keep
 * the `capacity` most probable keys (policy A0 of Aho, Denning and Ullman, 1971), which hits with
 * the sum of their probabilities.
 */
function independentOptimum(keys: number, s: number, capacity: number): number {
  let top = 0;
  let total = 0;
  for (let k = 0; k < keys; k++) {
    const weight = 1 / (k + 1) ** s;
    total += weight;
    if (k < capacity) top += weight;
  }
  return top / total;
}

/** The best static cache (the most frequent keys of the whole trace): the online ceiling on independent draws. */
function staticTopK(trace: Trace, capacity: number): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < trace.length; i++) counts.set(trace[i]!, (counts.get(trace[i]!) ?? 0) + 1);
  const top = [...counts.values()].sort((a, b) => b - a).slice(0, capacity);
  return top.reduce((sum, count) => sum + count - 1, 0) / trace.length;
}

interface HitRatioRow {
  readonly workload: string;
  readonly capacity: number;
  readonly accesses: number;
  /** Hit ratios (0 to 1), keyed by policy or library. */
  readonly ratios: Record<string, number>;
  readonly frequencyMatters: boolean;
  readonly independent: boolean;
}

function hitRatios(smoke: boolean): HitRatioRow[] {
  const rows: HitRatioRow[] = [];
  for (const workload of traceWorkloads(smoke)) {
    process.stderr.write(`[scaling] hit ratio: ${workload.name}\n`);
    const { trace, capacity } = workload;
    const results = simulate(trace, capacity, [wTinyLfu(), lru(), s3Fifo()], { optimal: false });
    const ratios: Record<string, number> = {};
    for (const result of results) ratios[`keel ${result.policy}`] = result.hitRatio;
    ratios[LRU_CACHE] = replayLruCache(trace, capacity);
    ratios[OPTIMAL] = optimal(trace, capacity).hitRatio;
    if (workload.independent) ratios[STATIC_TOP_K] = staticTopK(trace, capacity);
    if (workload.zipf !== undefined)
      ratios[IRM_OPTIMUM] = independentOptimum(workload.zipf.keys, workload.zipf.s, capacity);
    rows.push({
      workload: workload.name,
      capacity,
      accesses: trace.length,
      ratios,
      frequencyMatters: workload.frequencyMatters,
      independent: workload.independent,
    });
  }
  return rows;
}

/** Says which of the row's targets lie beyond the best online policy's expected hit ratio (A0). */
function reach(row: HitRatioRow): string {
  const ceiling = row.ratios[IRM_OPTIMUM];
  if (ceiling === undefined) return '';
  const points = (value: number): string => (100 * value).toFixed(2);
  const belowOptimal = row.ratios[OPTIMAL]! - ceiling;
  const aboveLru = ceiling - row.ratios[LRU_CACHE]!;
  const out: string[] = [];
  if (belowOptimal > 0.05) out.push(`A0 itself is ${points(belowOptimal)} points below Belady`);
  if (row.frequencyMatters && aboveLru < 0.05)
    out.push(`A0 itself is only ${points(aboveLru)} points above LRU`);
  return out.length === 0
    ? ' Both targets are within reach of an online policy here.'
    : ` Out of reach of any online policy here: ${out.join('; ')}.`;
}

/**
 * One ratio case per workload: Keel's default policy (W-TinyLFU) against lru-cache and Keel's
 * other policies, with Belady's optimal (and, on independent draws, the best static cache) as
 * limits. Targets: 5 points above LRU where frequency matters; within 5 points of optimal on
 * independent draws.
 */
function ratioCase(row: HitRatioRow): RatioCase {
  const percent = (label: string): number => 100 * row.ratios[label]!;
  const targets: Record<string, number> = {};
  if (row.frequencyMatters) targets[LRU_CACHE] = 5;
  if (row.independent) targets[OPTIMAL] = -5;
  return {
    kind: 'ratio',
    name: `cache hit ratio, ${row.workload} (Keel W-TinyLFU vs LRU and Belady's optimal)`,
    unit: 'hit %',
    note: `a cache of ${row.capacity.toLocaleString('en-US')} entries replays ${row.accesses.toLocaleString('en-US')} accesses (get, set on a miss) through each policy; lru-cache replays the same trace as a check that Keel's lru() is an LRU; Belady's optimal sees the future; the static top-k keeps the most frequent keys of the whole trace, and A0 keeps the most probable keys of the law the trace was drawn from: on independent draws no online policy can expect more than A0, so where A0 is itself more than 5 points below Belady no online policy can meet the within-5-points target.${reach(row)}`,
    targets,
    figures: () => ({
      keel: percent('keel w-tinylfu'),
      anchors: {
        [LRU_CACHE]: percent(LRU_CACHE),
        'Keel lru()': percent('keel lru'),
        'Keel s3Fifo()': percent('keel s3-fifo'),
      },
      limits: {
        [OPTIMAL]: percent(OPTIMAL),
        ...(row.independent ? { [STATIC_TOP_K]: percent(STATIC_TOP_K) } : {}),
        ...(row.ratios[IRM_OPTIMUM] !== undefined ? { [IRM_OPTIMUM]: percent(IRM_OPTIMUM) } : {}),
      },
    }),
  };
}

/**
 * Computes the hit-ratio table in a child process: replaying traces through every policy would
 * otherwise leave the timed process's cache code polymorphic, which no single-policy user sees.
 */
function hitRatiosInChild(smoke: boolean): HitRatioRow[] {
  const here = fileURLToPath(import.meta.url);
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', here, '--hit-ratios', smoke ? 'smoke' : 'full'],
    { cwd: join(dirname(here), '..', '..'), maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(output.toString().trim().split('\n').pop()!) as HitRatioRow[];
}

/** Keys shared by every instance of the memory cases, so that only the caches are counted. */
const MEMORY_KEYS = keysOf('key', CAPACITY);

/** Memory of a full cache: `count` caches of `CAPACITY` entries each (numbers as values, so nothing is boxed). */
function memoryCase(ttl: number | undefined): MemoryCase {
  const filled = (label: string) => ({
    create: () => {
      const cache = makers[label]!(ttl);
      for (let n = 0; n < CAPACITY; n++) cache.set(MEMORY_KEYS[n]!, n);
      return cache;
    },
  });
  return {
    kind: 'memory',
    name: `memory of a full cache, ${CAPACITY.toLocaleString('en-US')} entries${ttl === undefined ? '' : ', 60 s TTL'} (Keel W-TinyLFU vs LRU caches)`,
    note: `bytes per cache, heap and ArrayBuffer backing stores; keys like key:1234, shared by every cache and not counted, small integers as values; Keel's figure includes its frequency sketch (about 13 bytes an entry)${ttl === undefined ? '' : ' and its timer wheel (16 bytes an entry)'} (reported, no target).`,
    count: 20,
    keel: filled('keel'),
    anchors: {
      [LRU_CACHE]: filled(LRU_CACHE),
      ...(ttl === undefined ? { [MNEMONIST]: filled(MNEMONIST) } : {}),
    },
  };
}

/**
 * The cases run in child processes: the speed cases, each isolated, and the memory cases (cheap to
 * build, unlike the ratio cases).
 */
export function cacheChildCases(): BenchCase[] {
  return [...speedWorkloads.map(speedCase), memoryCase(undefined), memoryCase(TTL_MS)];
}

/** The caching cases: speed first, then one hit-ratio case per workload (computed up front, in a child). */
export function cacheCases(): BenchCase[] {
  const { smoke } = configFromEnv();
  const rows = hitRatiosInChild(smoke);
  return [...cacheChildCases(), ...rows.map(ratioCase)];
}

export const suite = { name: 'scaling-cache', cases: cacheCases };

if (process.argv[2] === '--hit-ratios') {
  process.stdout.write(`${JSON.stringify(hitRatios(process.argv[3] === 'smoke'))}\n`);
}
