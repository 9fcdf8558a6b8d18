import { check } from '../../options/index.js';
import type { Random } from '../../random/index.js';

/** A sequence of integer keys, one access each, replayed by {@link simulate}. */
export type Trace = Int32Array;

/**
 * Accesses drawn from a Zipf distribution over `keys` keys: key `k` (0-based rank) is chosen with
 * probability proportional to `1 / (k + 1)^s`. Web and storage workloads typically show `s`
 * between 0.6 and 1.2; the larger `s`, the more a few keys dominate.
 *
 * @example
 * ```ts
 * import { zipfTrace } from '@keel/core/caching';
 * import { seededRandom } from '@keel/core/random';
 * const trace = zipfTrace(10_000, 100_000, 0.9, seededRandom(1));
 * console.log(trace.length); // 100000
 * ```
 */
export function zipfTrace(keys: number, length: number, s: number, random: Random, firstKey = 0): Trace {
  check.integer('keys', keys, 0, { min: 1 });
  check.integer('length', length, 0, { min: 0 });
  check.number('s', s, 0, { min: 0 });
  const cumulative = new Float64Array(keys);
  let total = 0;
  for (let k = 0; k < keys; k++) cumulative[k] = total += 1 / (k + 1) ** s;
  const trace = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const target = random.next() * total;
    let low = 0;
    let high = keys - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! <= target) low = middle + 1;
      else high = middle;
    }
    trace[i] = firstKey + low;
  }
  return trace;
}

/**
 * A scan: `length` distinct keys in order, each read once (a batch job or a full-table read),
 * the access pattern that flushes an LRU cache.
 *
 * @example
 * ```ts
 * import { scanTrace } from '@keel/core/caching';
 * console.log(Array.from(scanTrace(3, 1_000_000))); // [1000000, 1000001, 1000002]
 * ```
 */
export function scanTrace(length: number, firstKey = 0): Trace {
  check.integer('length', length, 0, { min: 0 });
  const trace = new Int32Array(length);
  for (let i = 0; i < length; i++) trace[i] = firstKey + i;
  return trace;
}

/**
 * A loop: keys `0..keys-1` read in order again and again. When the loop is longer than the
 * cache, LRU never hits; a policy that keeps a fixed subset hits `capacity / keys` of the time.
 *
 * @example
 * ```ts
 * import { loopTrace } from '@keel/core/caching';
 * console.log(Array.from(loopTrace(3, 7))); // [0, 1, 2, 0, 1, 2, 0]
 * ```
 */
export function loopTrace(keys: number, length: number, firstKey = 0): Trace {
  check.integer('keys', keys, 0, { min: 1 });
  check.integer('length', length, 0, { min: 0 });
  const trace = new Int32Array(length);
  for (let i = 0; i < length; i++) trace[i] = firstKey + (i % keys);
  return trace;
}

/**
 * Interleaves traces: each access is taken from one of them, chosen at random in proportion to
 * its remaining length, so that every trace is used up at the same pace. Give the traces
 * disjoint key ranges (`firstKey`) unless they are meant to share keys.
 *
 * @example
 * ```ts
 * import { mixTraces, scanTrace, zipfTrace } from '@keel/core/caching';
 * import { seededRandom } from '@keel/core/random';
 * const random = seededRandom(3);
 * const mixed = mixTraces([zipfTrace(1_000, 8_000, 0.9, random), scanTrace(2_000, 1_000_000)], random);
 * console.log(mixed.length); // 10000
 * ```
 */
export function mixTraces(traces: readonly Trace[], random: Random): Trace {
  const positions = traces.map(() => 0);
  let remaining = traces.reduce((sum, trace) => sum + trace.length, 0);
  const mixed = new Int32Array(remaining);
  for (let i = 0; remaining > 0; i++, remaining--) {
    let pick = random.next() * remaining;
    let chosen = 0;
    for (; chosen < traces.length - 1; chosen++) {
      const left = traces[chosen]!.length - positions[chosen]!;
      if (pick < left) break;
      pick -= left;
    }
    while (positions[chosen]! >= traces[chosen]!.length) chosen = (chosen + 1) % traces.length;
    mixed[i] = traces[chosen]![positions[chosen]!++]!;
  }
  return mixed;
}

/**
 * Joins traces end to end: phases of a workload (for example a Zipf phase, then a loop).
 *
 * @example
 * ```ts
 * import { concatTraces, loopTrace, scanTrace } from '@keel/core/caching';
 * console.log(concatTraces([loopTrace(2, 4), scanTrace(2, 10)]).length); // 6
 * ```
 */
export function concatTraces(traces: readonly Trace[]): Trace {
  const joined = new Int32Array(traces.reduce((sum, trace) => sum + trace.length, 0));
  let offset = 0;
  for (const trace of traces) {
    joined.set(trace, offset);
    offset += trace.length;
  }
  return joined;
}
