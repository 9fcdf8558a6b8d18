/**
 * Measures and look-ups that several pattern scenarios share. Each scenario still says in its own
 * file what it builds and what it compares; only the arithmetic over its counters lives here.
 */
import type { ScenarioResult, SummaryRow } from '@keel/sim';

/** A snapshot's counters, by name. */
export type Counters = Readonly<Record<string, number>>;

/**
 * Percentage of the calls tracked as `name` (by `World.track`) that succeeded. A run in which no
 * such call finished reads as 0 %.
 *
 * @example
 * ```ts
 * import { successPercent } from './scenario-kit.js';
 * console.log(successPercent({ 'req.ok': 90, 'req.failed': 10 }, 'req')); // 90
 * ```
 */
export function successPercent(counters: Counters, name: string): number {
  const ok = counters[`${name}.ok`] ?? 0;
  const failed = counters[`${name}.failed`] ?? 0;
  return ok + failed === 0 ? 0 : (100 * ok) / (ok + failed);
}

/**
 * Calls made to the dependency (the counter `attempts`) per finished request (the calls tracked
 * as `req`); NaN when no request finished.
 *
 * @example
 * ```ts
 * import { attemptsPerRequest } from './scenario-kit.js';
 * console.log(attemptsPerRequest({ attempts: 120, 'req.ok': 95, 'req.failed': 5 })); // 1.2
 * ```
 */
export function attemptsPerRequest(counters: Counters): number {
  const requests = (counters['req.ok'] ?? 0) + (counters['req.failed'] ?? 0);
  return requests === 0 ? Number.NaN : (counters['attempts'] ?? 0) / requests;
}

/**
 * The summary row labelled `label` of a scenario's result; throws when there is none, so a test
 * that asks for a renamed row fails by name.
 *
 * @example
 * ```ts
 * import { resolveKnobs } from '@keel/sim';
 * import { summaryRow } from './scenario-kit.js';
 * import { timeoutScenario } from './timeout/scenario.js';
 * const result = await timeoutScenario.run(1, resolveKnobs(timeoutScenario.knobs), { durationMs: 5_000 });
 * console.log(summaryRow(result, 'Successful calls').pattern);
 * ```
 */
export function summaryRow(result: ScenarioResult, label: string): SummaryRow {
  const found = result.summary.rows.find((r) => r.label === label);
  if (!found) throw new Error(`no row "${label}"`);
  return found;
}
