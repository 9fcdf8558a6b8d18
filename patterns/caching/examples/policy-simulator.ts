/**
 * Choosing an eviction policy with the trace simulator: replay a workload through W-TinyLFU,
 * LRU and S3-FIFO and compare them with Belady's optimal. Frequency-based admission wins on a
 * skewed (Zipf) workload and on a loop larger than the cache; run the same comparison on a
 * trace recorded in production before settling on a policy.
 */
import {
  loopTrace,
  lru,
  mixTraces,
  s3Fifo,
  scanTrace,
  simulate,
  wTinyLfu,
  zipfTrace,
} from '@keel/core/caching';
import { seededRandom } from '@keel/core/random';

export async function main() {
  const random = seededRandom(2024);
  const workloads = {
    'zipf 0.9': zipfTrace(20_000, 100_000, 0.9, random),
    'zipf 0.9 + scan': mixTraces(
      [zipfTrace(20_000, 70_000, 0.9, random), scanTrace(30_000, 1 << 24)],
      random,
    ),
    'loop 1.5x': loopTrace(750, 50_000),
  };
  const table: Record<string, Record<string, number>> = {};
  for (const [name, trace] of Object.entries(workloads)) {
    table[name] = {};
    for (const result of simulate(trace, 500, [wTinyLfu(), lru(), s3Fifo()])) {
      table[name][result.policy] = Math.round(1_000 * result.hitRatio) / 10;
    }
  }
  console.table(table);
  return table;
}
