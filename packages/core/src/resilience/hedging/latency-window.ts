import { check } from '../../options/index.js';

/**
 * The most recent `capacity` latency samples, kept both in arrival order (to evict the oldest)
 * and sorted (so any percentile is read in constant time). Adding a sample costs two binary
 * searches and two array shifts of at most `capacity` elements.
 *
 * @example
 * ```ts
 * import { LatencyWindow } from '@keel/core/hedging';
 * const window = new LatencyWindow(100);
 * for (const ms of [12, 15, 11, 90]) window.add(ms);
 * console.log(window.percentile(0.5)); // 12
 * ```
 * @category Resilience
 */
export class LatencyWindow {
  private readonly ring: number[] = [];
  private readonly sorted: number[] = [];
  private next = 0;

  /** @param capacity how many recent samples to keep (an integer >= 1). */
  constructor(readonly capacity: number) {
    check.integer('capacity', capacity, 0, { min: 1 });
  }

  /** Number of samples held (at most `capacity`). */
  get count(): number {
    return this.ring.length;
  }

  /** Adds a sample, evicting the oldest when full. */
  add(sample: number): void {
    if (this.ring.length === this.capacity) {
      const evicted = this.ring[this.next]!;
      this.sorted.splice(lowerBound(this.sorted, evicted), 1);
      this.ring[this.next] = sample;
    } else {
      this.ring.push(sample);
    }
    this.next = (this.next + 1) % this.capacity;
    this.sorted.splice(lowerBound(this.sorted, sample), 0, sample);
  }

  /**
   * The nearest-rank percentile `p` (in (0, 1]) of the samples held: the smallest sample that at
   * least `p` of them do not exceed. `NaN` when empty.
   */
  percentile(p: number): number {
    const n = this.sorted.length;
    if (n === 0) return Number.NaN;
    const rank = Math.min(n, Math.max(1, Math.ceil(p * n)));
    return this.sorted[rank - 1]!;
  }
}

/** Index of the first element >= `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
