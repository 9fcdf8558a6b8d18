/**
 * Growing a cache cluster from 4 to 5 nodes with each partitioner: how evenly keys spread, how
 * many move, and the exact copy list for the ring. Every algorithm moves close to the 1/5 floor;
 * a naive `hash % n` would move 80%.
 */
import {
  hashKey,
  JumpHash,
  KetamaRing,
  Maglev,
  movedFraction,
  type Partitioner,
  planKeyMoves,
  Rendezvous,
} from '@keel/core/sharding';

const nodes = (n: number) => Array.from({ length: n }, (_, i) => `cache-${i}`);
const keys = Array.from({ length: 50_000 }, (_, i) => `product:${i}`);

function maxOverMean(partitioner: Partitioner): number {
  const counts = new Map<string, number>();
  for (const key of keys)
    counts.set(partitioner.getShard(key), (counts.get(partitioner.getShard(key)) ?? 0) + 1);
  return Math.max(...counts.values()) / (keys.length / partitioner.shards.length);
}

export async function main() {
  const modulo = (n: number): Partitioner => ({
    shards: nodes(n),
    getShard: (key) => nodes(n)[hashKey(key) % n]!,
  });
  const strategies: Record<string, (n: number) => Partitioner> = {
    'ketama ring': (n) => new KetamaRing(nodes(n), { vnodes: 500 }),
    'jump hash': (n) => new JumpHash(nodes(n)),
    rendezvous: (n) => new Rendezvous(nodes(n)),
    maglev: (n) => new Maglev(nodes(n)),
    'hash % n': modulo,
  };
  const table = Object.entries(strategies).map(([name, make]) => ({
    name,
    balance: maxOverMean(make(5)),
    moved: movedFraction(keys, make(4), make(5)),
  }));
  for (const row of table)
    console.log(
      `${row.name.padEnd(12)} max/mean ${row.balance.toFixed(3)}  moved ${(row.moved * 100).toFixed(1)}%`,
    );

  // The copy list: which keys go where when cache-4 joins the ring.
  const moves = planKeyMoves(keys, strategies['ketama ring']!(4), strategies['ketama ring']!(5));
  return { table, ringMoves: moves.length, allToNewNode: moves.every((m) => m.to === 'cache-4') };
}
