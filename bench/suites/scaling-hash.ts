// The consistent-hashing part of the scaling suite. Speed: the cost of looking up a key's shard
// for each Keel partitioner against hashring (the ketama ring most Node projects use). Quality:
// balance (most loaded shard over the mean) and the fraction of keys moved when a shard is
// added, for every partitioner and for hashring, against the 1/(n+1) floor.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoundedLoad, JumpHash, KetamaRing, Maglev, type Partitioner, Rendezvous } from '@keel/core/sharding';
import { configFromEnv } from '../harness/config.js';
import type { BenchCase, Operation, TimedContender } from '../harness/types.js';

// hashring ships no types: type the slice used here.
interface HashRingLike {
  get(key: string): string;
}
const { default: HashRing } = (await import('hashring' as string)) as {
  default: new (servers: string[]) => HashRingLike;
};

const HASHRING = 'hashring@3.2.0';
const SHARDS = 10;
/** Lookups per timed operation, so the harness's per-operation await does not drown them. */
const BATCH = 100;

const shardIds = (n: number): string[] => Array.from({ length: n }, (_, i) => `10.0.0.${i + 1}:11211`);

/** Distinct keys, more than hashring's 5000-entry lookup cache holds. */
function keys(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `user:${(i * 2654435761) % 1_000_003}:session`);
}

/** One operation looks up the next BATCH keys, cycling through `keySet`. */
function lookups(getShard: (key: string) => string, keySet: readonly string[]): Operation {
  let at = 0;
  const n = keySet.length;
  return () => {
    let checksum = 0;
    for (let i = 0; i < BATCH; i++) {
      checksum += getShard(keySet[at]!).length;
      at = at + 1 === n ? 0 : at + 1;
    }
    return checksum;
  };
}

function contender(build: () => (key: string) => string, keySet: readonly string[]): TimedContender {
  return {
    prepare: () => {
      const getShard = build();
      if (typeof getShard(keySet[0]!) !== 'string') throw new Error('lookup returned no shard');
      return lookups(getShard, keySet);
    },
  };
}

const hashringLookup = (n: number) => {
  const ring = new HashRing(shardIds(n));
  return (key: string): string => ring.get(key);
};

interface PartitionerRow {
  readonly name: string;
  /** Max shard load over the mean, 10 shards. */
  readonly balance: number;
  /** Fraction of keys whose shard changes from 10 to 11 shards. */
  readonly movedOnAdd: number;
  /** Of the moved keys, the fraction that went to the new shard (1 = only necessary moves). */
  readonly movedToNewShard: number;
}

const partitioners: Record<string, (n: number) => Partitioner> = {
  'ketama ring, 160 vnodes (Keel)': (n) => new KetamaRing(shardIds(n)),
  'ketama ring, 1000 vnodes (Keel)': (n) => new KetamaRing(shardIds(n), { vnodes: 1000 }),
  'jump hash (Keel)': (n) => new JumpHash(shardIds(n)),
  'rendezvous (Keel)': (n) => new Rendezvous(shardIds(n)),
  'maglev, M=65537 (Keel)': (n) => new Maglev(shardIds(n)),
  [`${HASHRING} (160 points, md5)`]: (n) => {
    const ring = new HashRing(shardIds(n));
    return { shards: shardIds(n), getShard: (key) => ring.get(String(key)) };
  },
};

function quality(keyCount: number): PartitionerRow[] {
  const keySet = keys(keyCount);
  const rows: PartitionerRow[] = [];
  const measure = (name: string, before: (key: string) => string, after: (key: string) => string) => {
    const counts = new Map<string, number>();
    let moved = 0;
    let toNew = 0;
    const newShard = shardIds(SHARDS + 1)[SHARDS]!;
    for (const key of keySet) {
      const a = before(key);
      counts.set(a, (counts.get(a) ?? 0) + 1);
      const b = after(key);
      if (a !== b) {
        moved++;
        if (b === newShard) toNew++;
      }
    }
    rows.push({
      name,
      balance: Math.max(...counts.values()) / (keySet.length / SHARDS),
      movedOnAdd: moved / keySet.length,
      movedToNewShard: moved === 0 ? 1 : toNew / moved,
    });
  };
  for (const [name, make] of Object.entries(partitioners)) {
    const before = make(SHARDS);
    const after = make(SHARDS + 1);
    measure(
      name,
      (k) => before.getShard(k),
      (k) => after.getShard(k),
    );
  }
  // Bounded loads: keys are placed one after another, each counting against its shard.
  const boundedBefore = new BoundedLoad(new KetamaRing(shardIds(SHARDS)), { epsilon: 0.25 });
  const boundedAfter = new BoundedLoad(new KetamaRing(shardIds(SHARDS + 1)), { epsilon: 0.25 });
  measure(
    'bounded loads over the 160-vnode ring, epsilon 0.25 (Keel)',
    (k) => boundedBefore.acquire(k),
    (k) => boundedAfter.acquire(k),
  );
  return rows;
}

function printQuality(rows: readonly PartitionerRow[], keyCount: number): void {
  const lines = [
    `\nPartitioner quality: ${keyCount} keys, ${SHARDS} shards; moved on add: ${SHARDS} -> ${SHARDS + 1} shards (floor 1/${SHARDS + 1} = ${(100 / (SHARDS + 1)).toFixed(2)}%)`,
    `${'partitioner'.padEnd(62)} max/mean   moved   of which to the new shard`,
    ...rows.map(
      (r) =>
        `${r.name.padEnd(62)} ${r.balance.toFixed(3).padStart(8)} ${(100 * r.movedOnAdd).toFixed(2).padStart(6)}%   ${(100 * r.movedToNewShard).toFixed(1)}%`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

function writeQuality(rows: readonly PartitionerRow[], keyCount: number, smoke: boolean): void {
  const path = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    'results',
    'partitioning',
    smoke ? 'scaling-hash.smoke.json' : 'scaling-hash.json',
  );
  mkdirSync(dirname(path), { recursive: true });
  const document = {
    suite: 'scaling',
    part: 'partitioner balance and movement',
    node: process.version,
    date: new Date().toISOString(),
    smoke,
    keys: keyCount,
    shards: SHARDS,
    floorMovedOnAdd: 1 / (SHARDS + 1),
    rows,
  };
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`partitioner quality written to ${path}\n`);
}

/** The consistent-hashing cases; the quality table is computed, printed and written first. */
export function hashCases(): BenchCase[] {
  const { smoke } = configFromEnv();
  const keyCount = smoke ? 5_000 : 200_000;
  const rows = quality(keyCount);
  printQuality(rows, keyCount);
  writeQuality(rows, keyCount, smoke);
  const figure = (name: string): string => {
    const row = rows.find((r) => r.name === name);
    return row
      ? `balance max/mean ${row.balance.toFixed(3)}, ${(100 * row.movedOnAdd).toFixed(2)}% of keys moved on 10 -> 11 shards (floor ${(100 / 11).toFixed(2)}%)`
      : '';
  };
  const manyKeys = keys(smoke ? 10_000 : 100_000);
  const hotKeys = keys(1_000);
  const anchor = (keySet: readonly string[]) => ({
    [HASHRING]: contender(() => hashringLookup(SHARDS), keySet),
  });
  const lookup = (p: Partitioner) => (key: string) => p.getShard(key);
  const cases: BenchCase[] = [];
  const versus = (label: string, name: string, make: () => Partitioner): void => {
    cases.push({
      kind: 'time',
      synchronous: true,
      name: `${BATCH} shard lookups, ${SHARDS} shards, 100 000 distinct string keys: ${label} vs hashring (cache missing)`,
      note: `${figure(name)}. hashring: ${figure(`${HASHRING} (160 points, md5)`)}.`,
      targets: { [HASHRING]: 10 },
      keel: contender(() => lookup(make()), manyKeys),
      anchors: anchor(manyKeys),
    });
  };
  versus(
    'Keel ketama ring (160 vnodes, murmur3)',
    'ketama ring, 160 vnodes (Keel)',
    () => new KetamaRing(shardIds(SHARDS)),
  );
  versus('Keel jump hash', 'jump hash (Keel)', () => new JumpHash(shardIds(SHARDS)));
  versus('Keel rendezvous', 'rendezvous (Keel)', () => new Rendezvous(shardIds(SHARDS)));
  versus('Keel Maglev (M=65537)', 'maglev, M=65537 (Keel)', () => new Maglev(shardIds(SHARDS)));
  cases.push({
    kind: 'time',
    synchronous: true,
    name: `${BATCH} shard lookups, ${SHARDS} shards, 1000 hot keys: Keel ketama ring (no cache) vs hashring (every key in its LRU cache)`,
    note: 'hashring answers these from its 5000-entry lookup cache; Keel hashes every time.',
    keel: contender(() => lookup(new KetamaRing(shardIds(SHARDS))), hotKeys),
    anchors: anchor(hotKeys),
  });
  return cases;
}

export const suite = { name: 'scaling-hash', cases: hashCases };
