/** Outcome counters and a latency reservoir for the demo's live view. */
export class LiveStats {
  ok = 0;
  failed = 0;
  rejected = 0;
  timedOut = 0;
  retries = 0;
  private latencies: number[] = [];
  private recent: { at: number; ok: boolean }[] = [];

  record(outcome: 'ok' | 'failed' | 'rejected' | 'timedOut', latencyMs: number, at: number): void {
    this[outcome]++;
    if (outcome !== 'rejected') this.latencies.push(latencyMs);
    if (this.latencies.length > 5_000) this.latencies.splice(0, this.latencies.length - 5_000);
    this.recent.push({ at, ok: outcome === 'ok' });
  }

  get total(): number {
    return this.ok + this.failed + this.rejected + this.timedOut;
  }

  /** Latency percentile over the most recent calls (those that reached the service). */
  percentile(p: number): number {
    if (this.latencies.length === 0) return 0;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  }

  /** Success ratio per bucket of `bucketMs` over the last `buckets` buckets ending at `now`. */
  successSeries(now: number, bucketMs: number, buckets: number): number[] {
    const start = now - bucketMs * buckets;
    this.recent = this.recent.filter((r) => r.at >= start);
    const okCounts = new Array<number>(buckets).fill(0);
    const allCounts = new Array<number>(buckets).fill(0);
    for (const r of this.recent) {
      const i = Math.min(buckets - 1, Math.floor((r.at - start) / bucketMs));
      allCounts[i]!++;
      if (r.ok) okCounts[i]!++;
    }
    return allCounts.map((n, i) => (n === 0 ? Number.NaN : okCounts[i]! / n));
  }
}

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line chart of values in [0, 1]; gaps (NaN) show as spaces. */
export function sparkline(values: readonly number[]): string {
  return values
    .map((v) => (Number.isNaN(v) ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor(v * BARS.length))]))
    .join('');
}
