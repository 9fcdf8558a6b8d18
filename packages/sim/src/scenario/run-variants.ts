import { check } from '@keel/core/options';
import type { MetricsSnapshot, SeriesSet } from '../metrics/metrics.js';
import { Trace } from '../metrics/trace.js';
import { World, type WorldOptions } from '../world.js';
import type { ScenarioResult, ScenarioRunOptions, SummaryRow } from './scenario.js';

/**
 * Builds one variant of a scenario in a fresh world: create services, load and faults, and
 * (for the pattern variant) the policies. It may be async.
 * @category Scenarios
 */
export type VariantSetup = (world: World) => void | Promise<void>;

/**
 * Runs each variant in its own {@link World} with the same seed for `options.durationMs`,
 * reports overall progress, and builds a result whose summary rows come from `summarize`.
 * With `options.trace`, one trace covers all variants (each opens with a `variant` line).
 *
 * @example
 * ```ts
 * import { constantRate, openLoop, row, runVariants } from '@keel/sim';
 * const result = await runVariants(1, { durationMs: 5_000 }, {
 *   baseline: (world) => {
 *     world.service('api', { errorRate: 0.3 });
 *     openLoop(world.sim, constantRate(50), () => world.track('req', () => world.call('client', 'api', 1)));
 *   },
 *   pattern: (world) => {
 *     world.service('api', { errorRate: 0.1 });
 *     openLoop(world.sim, constantRate(50), () => world.track('req', () => world.call('client', 'api', 1)));
 *   },
 * }, (m) => [row('Success', '%', 'higher', m, (s) => s.counters['req.ok'] ?? 0)]);
 * console.log(result.summary.rows[0]);
 * ```
 * @category Scenarios
 */
export async function runVariants(
  seed: number | string,
  options: ScenarioRunOptions,
  variants: Readonly<Record<string, VariantSetup>>,
  summarize: (metrics: Readonly<Record<string, MetricsSnapshot>>) => SummaryRow[],
  worldOptions: Omit<WorldOptions, 'seed' | 'trace'> = {},
): Promise<ScenarioResult> {
  const durationMs = check.duration('durationMs', options.durationMs, 0, { above: 0 });
  const names = Object.keys(variants);
  const metrics: Record<string, MetricsSnapshot> = {};
  const series: Record<string, SeriesSet> = {};
  let sharedTrace: Trace | undefined;
  for (let i = 0; i < names.length; i++) {
    const variant = names[i]!;
    const world = new World({ ...worldOptions, seed, trace: options.trace === true });
    // One trace for the whole scenario: a header per variant (with the fingerprint of all of
    // its lines, kept or not) followed by the variant's kept lines.
    if (world.trace) sharedTrace ??= new Trace({ now: () => 0 });
    await variants[variant]!(world);
    const onProgress = options.onProgress;
    await world.run(
      durationMs,
      onProgress
        ? {
            onProgress: (p) => onProgress({ ...p, variant, overall: (i + p.fraction) / names.length }),
          }
        : {},
    );
    metrics[variant] = world.metrics.snapshot();
    series[variant] = world.metrics.series(false);
    if (world.trace && sharedTrace) {
      sharedTrace.emit('variant', { name: variant, lines: world.trace.count, hash: world.trace.hash });
      for (const line of world.trace.lines) sharedTrace.append(line);
    }
  }
  const result: ScenarioResult = { metrics, series, summary: { rows: summarize(metrics) } };
  if (sharedTrace) {
    return {
      ...result,
      trace: { lines: sharedTrace.lines, hash: sharedTrace.hash, count: sharedTrace.count },
    };
  }
  return result;
}

/**
 * A summary row comparing the `baseline` variant with `against` (by default the `pattern`
 * variant) on one measure; a variant that did not run reads as NaN. A scenario that runs more
 * variants than two shows each extra one against the baseline in the pattern column.
 * @example
 * ```ts
 * import { row } from '@keel/sim';
 * const snapshot = (ok: number) => ({ counters: { 'req.ok': ok }, gauges: {}, histograms: {} });
 * const metrics = { baseline: snapshot(80), pattern: snapshot(99), jittered: snapshot(97) };
 * console.log(row('Successful calls', 'req', 'higher', metrics, (m) => m.counters['req.ok'] ?? 0));
 * console.log(row('Successful calls, jittered', 'req', 'higher', metrics, (m) => m.counters['req.ok'] ?? 0, 'jittered'));
 * ```
 * @category Scenarios
 */
export function row(
  label: string,
  unit: string,
  better: 'higher' | 'lower',
  metrics: Readonly<Record<string, MetricsSnapshot>>,
  measure: (snapshot: MetricsSnapshot) => number,
  against = 'pattern',
): SummaryRow {
  const of = (variant: string): number => {
    const snapshot = metrics[variant];
    return snapshot ? measure(snapshot) : Number.NaN;
  };
  return { label, unit, better, baseline: of('baseline'), pattern: of(against) };
}

/**
 * Measures for {@link row} over what `World.track(name, …)` records.
 * @example
 * ```ts
 * import { measures, row } from '@keel/sim';
 * const snapshot = (ok: number, failed: number) => ({ counters: { 'req.ok': ok, 'req.failed': failed }, gauges: {}, histograms: {} });
 * const metrics = { baseline: snapshot(80, 20), pattern: snapshot(99, 1) };
 * console.log(row('Success rate', '%', 'higher', metrics, measures.successRate('req')).pattern); // 99
 * ```
 * @category Scenarios
 */
export const measures = {
  /** Percentage of tracked calls that succeeded (NaN when none finished). */
  successRate(name: string): (snapshot: MetricsSnapshot) => number {
    return (s) => {
      const ok = s.counters[`${name}.ok`] ?? 0;
      const failed = s.counters[`${name}.failed`] ?? 0;
      return ok + failed === 0 ? Number.NaN : (100 * ok) / (ok + failed);
    };
  },
  /** A counter's total (0 when it never counted). */
  count(counter: string): (snapshot: MetricsSnapshot) => number {
    return (s) => s.counters[counter] ?? 0;
  },
  /** A statistic of a tracked call's latency, in ms (NaN when none finished). */
  latency(
    name: string,
    statistic: 'mean' | 'p50' | 'p90' | 'p99' | 'p999' | 'max',
  ): (snapshot: MetricsSnapshot) => number {
    return (s) => s.histograms[`${name}.latency`]?.[statistic] ?? Number.NaN;
  },
} as const;
