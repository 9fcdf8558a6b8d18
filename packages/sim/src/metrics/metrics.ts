import { check, checkKnownKeys } from '@keel/core/options';
import { DEFAULT_HISTOGRAM_RELATIVE_ERROR, Histogram, type HistogramSummary } from './histogram.js';

/**
 * Anything that tells virtual time (a {@link Simulator} or its clock).
 * @category Metrics
 */
export interface TimeSource {
  now(): number;
}

/**
 * Options of {@link Metrics}.
 * @category Metrics
 */
export interface MetricsOptions {
  /** Width of a series window in virtual milliseconds. @default 1000 */
  readonly windowMs?: number;
  /** Relative error of every histogram. @default 0.01 */
  readonly relativeError?: number;
}

/**
 * Defaults of {@link MetricsOptions}.
 * @example
 * ```ts
 * import { DEFAULT_METRICS_OPTIONS } from '@keel/sim';
 * console.log(DEFAULT_METRICS_OPTIONS);
 * ```
 * @category Metrics
 */
export const DEFAULT_METRICS_OPTIONS = {
  windowMs: 1000,
  relativeError: DEFAULT_HISTOGRAM_RELATIVE_ERROR,
} as const;

/**
 * Per-window series, column-oriented for charting: `t[i]` is the start of window `i` and every
 * column has one value per window. Counters give the increments in the window, gauges their
 * value at the window's end, histograms `name.count`, `name.p50`, `name.p99` and `name.max`
 * (NaN, which JSON shows as null, for a window without samples).
 * @category Metrics
 */
export interface SeriesSet {
  readonly windowMs: number;
  readonly t: number[];
  readonly columns: Record<string, number[]>;
}

/**
 * Totals of every metric at the end of a run.
 * @category Metrics
 */
export interface MetricsSnapshot {
  readonly counters: Record<string, number>;
  readonly gauges: Record<string, { readonly value: number; readonly max: number }>;
  readonly histograms: Record<string, HistogramSummary>;
}

/**
 * A monotonically increasing count.
 * @category Metrics
 */
export interface Counter {
  /** Adds `n` (default 1). */
  inc(n?: number): void;
  /** The total so far. */
  readonly value: number;
}

/**
 * A value that goes up and down, such as a queue length.
 * @category Metrics
 */
export interface Gauge {
  set(value: number): void;
  add(delta: number): void;
  readonly value: number;
  /** The highest value ever set. */
  readonly max: number;
}

/**
 * A latency (or size) distribution over the whole run and per window.
 * @category Metrics
 */
export interface LatencyRecorder {
  record(value: number): void;
  /** The whole-run histogram. */
  readonly histogram: Histogram;
}

abstract class Windowed {
  protected window = 0;
  constructor(protected readonly owner: Metrics) {}
  /** Closes windows up to (not including) `index`. */
  abstract closeUntil(index: number): void;
  protected roll(): void {
    const index = this.owner._windowIndex();
    if (index !== this.window) this.closeUntil(index);
  }
}

class CounterImpl extends Windowed implements Counter {
  value = 0;
  private inWindow = 0;
  readonly column: number[] = [];
  get pending(): number {
    return this.inWindow;
  }
  inc(n = 1): void {
    this.roll();
    this.value += n;
    this.inWindow += n;
  }
  closeUntil(index: number): void {
    while (this.window < index) {
      this.column.push(this.inWindow);
      this.inWindow = 0;
      this.window++;
    }
  }
}

class GaugeImpl extends Windowed implements Gauge {
  value = 0;
  max = Number.NEGATIVE_INFINITY;
  readonly column: number[] = [];
  set(value: number): void {
    this.roll();
    this.value = value;
    if (value > this.max) this.max = value;
  }
  add(delta: number): void {
    this.set(this.value + delta);
  }
  closeUntil(index: number): void {
    while (this.window < index) {
      this.column.push(this.value);
      this.window++;
    }
  }
}

class RecorderImpl extends Windowed implements LatencyRecorder {
  readonly histogram: Histogram;
  private readonly current: Histogram;
  get pending(): Histogram {
    return this.current;
  }
  readonly counts: number[] = [];
  readonly p50: number[] = [];
  readonly p99: number[] = [];
  readonly maxes: number[] = [];
  constructor(owner: Metrics, relativeError: number) {
    super(owner);
    this.histogram = new Histogram(relativeError);
    this.current = new Histogram(relativeError);
  }
  record(value: number): void {
    this.roll();
    this.histogram.record(value);
    this.current.record(value);
  }
  closeUntil(index: number): void {
    while (this.window < index) {
      const h = this.current;
      this.counts.push(h.count);
      this.p50.push(h.quantile(0.5));
      this.p99.push(h.quantile(0.99));
      this.maxes.push(h.count === 0 ? Number.NaN : h.max);
      h.reset();
      this.window++;
    }
  }
}

/**
 * Counters, gauges and histograms over virtual time, with per-window series.
 *
 * @example
 * ```ts
 * import { Metrics, Simulator } from '@keel/sim';
 * const sim = new Simulator();
 * const metrics = new Metrics(sim, { windowMs: 1_000 });
 * metrics.counter('requests').inc();
 * metrics.latency('latency').record(12.5);
 * console.log(metrics.snapshot().counters.requests); // 1
 * ```
 * @category Metrics
 */
export class Metrics {
  /** Width of a series window. */
  readonly windowMs: number;
  private readonly relativeError: number;
  private readonly start: number;
  private readonly counters = new Map<string, CounterImpl>();
  private readonly gauges = new Map<string, GaugeImpl>();
  private readonly recorders = new Map<string, RecorderImpl>();

  constructor(
    private readonly time: TimeSource,
    options: MetricsOptions = {},
  ) {
    checkKnownKeys('Metrics', options, Object.keys(DEFAULT_METRICS_OPTIONS));
    this.windowMs = check.duration('windowMs', options.windowMs, DEFAULT_METRICS_OPTIONS.windowMs, {
      above: 0,
    });
    this.relativeError = check.number(
      'relativeError',
      options.relativeError,
      DEFAULT_METRICS_OPTIONS.relativeError,
      { above: 0, max: 0.49 },
    );
    this.start = time.now();
  }

  /** The counter called `name`, created on first use. */
  counter(name: string): Counter {
    let c = this.counters.get(name);
    if (!c) this.counters.set(name, (c = this.born(new CounterImpl(this))));
    return c;
  }

  /** The gauge called `name`, created on first use. */
  gauge(name: string): Gauge {
    let g = this.gauges.get(name);
    if (!g) this.gauges.set(name, (g = this.born(new GaugeImpl(this))));
    return g;
  }

  /** The latency recorder called `name`, created on first use. */
  latency(name: string): LatencyRecorder {
    let r = this.recorders.get(name);
    if (!r) this.recorders.set(name, (r = this.born(new RecorderImpl(this, this.relativeError))));
    return r;
  }

  /** @internal index of the window containing now. */
  _windowIndex(): number {
    return Math.floor((this.time.now() - this.start) / this.windowMs);
  }

  /** Totals of every metric, names in sorted order. */
  snapshot(): MetricsSnapshot {
    const counters: Record<string, number> = {};
    for (const name of sorted(this.counters)) counters[name] = this.counters.get(name)!.value;
    const gauges: Record<string, { value: number; max: number }> = {};
    for (const name of sorted(this.gauges)) {
      const g = this.gauges.get(name)!;
      gauges[name] = { value: g.value, max: g.max };
    }
    const histograms: Record<string, HistogramSummary> = {};
    for (const name of sorted(this.recorders))
      histograms[name] = this.recorders.get(name)!.histogram.summary();
    return { counters, gauges, histograms };
  }

  /** Every window that has ended by now, plus the one in progress when `partial`. */
  series(partial = true): SeriesSet {
    const index = this._windowIndex();
    const end = partial ? index + 1 : index;
    const t: number[] = [];
    for (let i = 0; i < end; i++) t.push(this.start + i * this.windowMs);
    const columns: Record<string, number[]> = {};
    for (const name of sorted(this.counters)) {
      const c = this.counters.get(name)!;
      c.closeUntil(index);
      columns[name] = partial ? [...c.column, c.pending] : c.column.slice();
    }
    for (const name of sorted(this.gauges)) {
      const g = this.gauges.get(name)!;
      g.closeUntil(index);
      columns[name] = partial ? [...g.column, g.value] : g.column.slice();
    }
    for (const name of sorted(this.recorders)) {
      const r = this.recorders.get(name)!;
      r.closeUntil(index);
      const h = r.pending;
      const tail = (column: number[], value: number): number[] =>
        partial ? [...column, value] : column.slice();
      columns[`${name}.count`] = tail(r.counts, h.count);
      columns[`${name}.p50`] = tail(r.p50, h.quantile(0.5));
      columns[`${name}.p99`] = tail(r.p99, h.quantile(0.99));
      columns[`${name}.max`] = tail(r.maxes, h.count === 0 ? Number.NaN : h.max);
    }
    return { windowMs: this.windowMs, t, columns };
  }

  private born<M extends Windowed>(metric: M): M {
    // A metric created late has had no activity in earlier windows.
    metric.closeUntil(this._windowIndex());
    return metric;
  }
}

function sorted(map: Map<string, unknown>): string[] {
  return [...map.keys()].sort();
}
