/**
 * Build-time view of the pattern scenarios: which pattern folder holds which scenario, its
 * knobs, and the series worth charting. Found by looking at `patterns/<slug>/scenario.ts`, so a
 * scenario added there appears on its pattern's page without touching the site.
 */
import type { KnobSpecs, Scenario } from '@keel/sim';
import { mainSeries } from '../../../patterns/scenarios.ts';

/** What a page needs to render a scenario's controls; the code itself is loaded in the browser. */
export interface ScenarioInfo {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly knobs: KnobSpecs;
  readonly defaultDurationMs: number;
  readonly series: readonly string[];
}

const modules = import.meta.glob<Record<string, unknown>>('../../../patterns/*/scenario.ts', { eager: true });

const isScenario = (value: unknown): value is Scenario =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Scenario).id === 'string' &&
  typeof (value as Scenario).run === 'function' &&
  typeof (value as Scenario).knobs === 'object';

/** Scenarios by pattern slug, in the order their modules export them. */
export const scenariosByPattern: ReadonlyMap<string, readonly ScenarioInfo[]> = (() => {
  const out = new Map<string, ScenarioInfo[]>();
  for (const [path, exports] of Object.entries(modules)) {
    const slug = path.split('/').at(-2)!;
    const found = Object.values(exports)
      .filter(isScenario)
      .map((s) => ({
        id: s.id,
        name: s.name,
        description: s.description,
        knobs: s.knobs,
        defaultDurationMs: s.defaultDurationMs,
        series: mainSeries[s.id] ?? [],
      }));
    if (found.length > 0) out.set(slug, found);
  }
  return out;
})();
