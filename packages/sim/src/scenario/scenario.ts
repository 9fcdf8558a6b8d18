import type { RunProgress } from '../engine/simulator.js';
import type { MetricsSnapshot, SeriesSet } from '../metrics/metrics.js';
import type { KnobSpecs, KnobValues } from './knobs.js';

/**
 * Options of {@link Scenario.run}.
 * @category Scenarios
 */
export interface ScenarioRunOptions {
  /** Virtual duration of each variant's run. */
  readonly durationMs: number;
  /** Progress over the whole scenario (all variants); a returned promise is awaited. */
  readonly onProgress?: (progress: ScenarioProgress) => void | Promise<void>;
  /** Record and return a trace. @default false */
  readonly trace?: boolean;
}

/**
 * Progress of a scenario run.
 * @category Scenarios
 */
export interface ScenarioProgress extends RunProgress {
  /** The variant running, such as `baseline` or `pattern`. */
  readonly variant: string;
  /** Fraction of the whole scenario done, in [0, 1]. */
  readonly overall: number;
}

/**
 * One line of a scenario's comparison: a measure under the baseline and under the pattern.
 * @category Scenarios
 */
export interface SummaryRow {
  readonly label: string;
  /** Unit, such as `ms`, `%` or `req`. */
  readonly unit: string;
  readonly baseline: number;
  readonly pattern: number;
  /** Which direction is an improvement. */
  readonly better: 'higher' | 'lower';
}

/**
 * The headline comparison of a scenario.
 * @category Scenarios
 */
export interface ScenarioSummary {
  readonly rows: readonly SummaryRow[];
}

/**
 * A recorded trace: kept lines (JSON Lines) and the fingerprint of every line.
 * @category Scenarios
 */
export interface TraceResult {
  readonly lines: readonly string[];
  readonly hash: string;
  readonly count: number;
}

/**
 * What a scenario run returns. `metrics` and `series` are keyed by variant (`baseline`,
 * `pattern`, and any other the scenario runs).
 * @category Scenarios
 */
export interface ScenarioResult {
  readonly metrics: Readonly<Record<string, MetricsSnapshot>>;
  readonly series: Readonly<Record<string, SeriesSet>>;
  readonly summary: ScenarioSummary;
  readonly trace?: TraceResult;
}

/**
 * A runnable, explorable demonstration of a pattern: the same seeded world run without the
 * pattern (baseline) and with it, compared on a few measures. Knobs describe the inputs a UI
 * may expose, with defaults and ranges.
 *
 * @example
 * ```ts
 * import { defineScenario, runVariants } from '@keel/sim';
 * export const demo = defineScenario({
 *   id: 'demo',
 *   name: 'Demo',
 *   description: 'Nothing much.',
 *   knobs: { errorRate: { type: 'number', label: 'Error rate', default: 0.2, min: 0, max: 1 } },
 *   defaultDurationMs: 10_000,
 *   run: (seed, knobs, options) =>
 *     runVariants(seed, options, {
 *       baseline: (world) => { world.service('api', { errorRate: knobs.errorRate }); },
 *       pattern: (world) => { world.service('api', { errorRate: knobs.errorRate / 2 }); },
 *     }, () => []),
 * });
 * ```
 * @category Scenarios
 */
export interface Scenario<K extends KnobSpecs = KnobSpecs> {
  /** Stable slug, such as `retry` or `circuit-breaker`. */
  readonly id: string;
  readonly name: string;
  /** A paragraph on what the scenario shows. */
  readonly description: string;
  readonly knobs: K;
  /** A virtual duration that shows the effect well. */
  readonly defaultDurationMs: number;
  /** Runs the scenario; equal arguments give identical results. */
  run(seed: number | string, knobs: KnobValues<K>, options: ScenarioRunOptions): Promise<ScenarioResult>;
}

/**
 * Identity function that keeps the knob types of a scenario literal, so `run` sees typed
 * knob values.
 * @example
 * ```ts
 * import { defineScenario, runVariants } from '@keel/sim';
 * const idle = defineScenario({
 *   id: 'idle', name: 'Idle', description: 'Nothing happens.', defaultDurationMs: 1_000,
 *   knobs: { on: { type: 'boolean', label: 'On', default: false } },
 *   run: (seed, knobs, options) => runVariants(seed, options, { baseline: () => {}, pattern: () => {} }, () => []),
 * });
 * console.log(idle.knobs.on.default);
 * ```
 * @category Scenarios
 */
export function defineScenario<const K extends KnobSpecs>(scenario: Scenario<K>): Scenario<K> {
  return scenario;
}
