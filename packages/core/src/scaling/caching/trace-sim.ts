import { check } from '../../options/index.js';
import { type Random, SeededRandom } from '../../random/index.js';
import { Cache } from './cache.js';
import type { EvictionPolicyFactory } from './policies/policy.js';
import type { Trace } from './traces.js';

/** The outcome of replaying a trace through one policy. */
export interface SimulationResult {
  /** The policy's name, or `optimal` for Belady's. */
  readonly policy: string;
  readonly hits: number;
  readonly misses: number;
  readonly hitRatio: number;
}

/**
 * Replays `trace` through a real {@link Cache} of `capacity` entries for each policy (read; on a
 * miss, write), and through Belady's optimal policy, the upper bound no online policy beats.
 * Use it to choose a policy for a recorded production trace before deploying it.
 *
 * @example
 * ```ts
 * import { lru, simulate, wTinyLfu, zipfTrace } from '@keel/core/caching';
 * import { seededRandom } from '@keel/core/random';
 * const trace = zipfTrace(10_000, 200_000, 0.9, seededRandom(7));
 * for (const result of simulate(trace, 1_000, [wTinyLfu(), lru()])) {
 *   console.log(result.policy, (100 * result.hitRatio).toFixed(1));
 * }
 * ```
 */
export function simulate(
  trace: Trace,
  capacity: number,
  policies: readonly EvictionPolicyFactory[],
  options: { readonly optimal?: boolean; readonly random?: Random } = {},
): SimulationResult[] {
  check.integer('capacity', capacity, 0, { min: 1 });
  const results = policies.map((policy) =>
    replay(trace, capacity, policy, options.random ?? new SeededRandom(1)),
  );
  if (options.optimal !== false) results.push(optimal(trace, capacity));
  return results;
}

function replay(
  trace: Trace,
  capacity: number,
  policy: EvictionPolicyFactory,
  random: Random,
): SimulationResult {
  const cache = new Cache<number, number>({ maxEntries: capacity, policy, random });
  let hits = 0;
  for (let i = 0; i < trace.length; i++) {
    const key = trace[i]!;
    if (cache.get(key) === undefined) cache.set(key, 1);
    else hits++;
  }
  return result(policy.name, hits, trace.length);
}

/**
 * Belady's MIN (1966), offline: on a miss with a full cache, evict the key whose next use is
 * farthest in the future, or do not cache the newcomer at all when it is the one needed last.
 * With equal-sized entries no policy that sees the same trace can have more hits.
 *
 * @example
 * ```ts
 * import { loopTrace, optimal } from '@keel/core/caching';
 * console.log(optimal(loopTrace(4, 40), 2).hits);
 * ```
 */
export function optimal(trace: Trace, capacity: number): SimulationResult {
  check.integer('capacity', capacity, 0, { min: 1 });
  const n = trace.length;
  // nextUse[i]: the position of the next access to trace[i] after i, or n when there is none.
  const nextUse = new Int32Array(n);
  const seenAt = new Map<number, number>();
  for (let i = n - 1; i >= 0; i--) {
    const key = trace[i]!;
    nextUse[i] = seenAt.get(key) ?? n;
    seenAt.set(key, i);
  }
  // The cache maps each key to the position of its latest access; a max-heap of positions,
  // ordered by next use, finds the farthest. Entries whose key was accessed again (or evicted)
  // since are stale and skipped when they surface.
  const cached = new Map<number, number>();
  const heap = new Int32Array(n + 1);
  let heapSize = 0;
  const push = (position: number): void => {
    let i = heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (nextUse[heap[parent]!]! >= nextUse[position]!) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = position;
  };
  const pop = (): void => {
    const last = heap[--heapSize]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heapSize) break;
      if (child + 1 < heapSize && nextUse[heap[child + 1]!]! > nextUse[heap[child]!]!) child++;
      if (nextUse[heap[child]!]! <= nextUse[last]!) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  };
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const key = trace[i]!;
    if (cached.has(key)) {
      hits++;
      cached.set(key, i);
      push(i);
      continue;
    }
    if (nextUse[i] === n) continue; // never needed again: not worth a slot
    if (cached.size >= capacity) {
      while (cached.get(trace[heap[0]!]!) !== heap[0]) pop();
      const farthest = heap[0]!;
      if (nextUse[farthest]! <= nextUse[i]!) continue; // the newcomer is needed last
      pop();
      cached.delete(trace[farthest]!);
    }
    cached.set(key, i);
    push(i);
    // Stale entries accumulate; rebuild when they dominate so the heap stays small.
    if (heapSize > 4 * capacity + 64) {
      heapSize = 0;
      for (const position of cached.values()) push(position);
    }
  }
  return result('optimal', hits, n);
}

function result(policy: string, hits: number, accesses: number): SimulationResult {
  return { policy, hits, misses: accesses - hits, hitRatio: accesses === 0 ? 0 : hits / accesses };
}
