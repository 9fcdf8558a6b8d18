import { getScenario, listScenarios, resolveKnobs } from '@keel/sim';
import { describe, expect, it } from 'vitest';
import { mainSeries, patternScenarios, registry } from './scenarios.js';

describe('pattern scenario index', () => {
  it('registers every scenario under its id in the default registry', () => {
    const ids = patternScenarios.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'timeout',
        'hedging',
        'retry-backoff',
        'retry-storm',
        'circuit-breaker',
        'bulkhead',
        'overload',
      ]),
    );
    for (const scenario of patternScenarios) {
      expect(getScenario(scenario.id)).toBe(scenario);
      expect(registry.get(scenario.id)).toBe(scenario);
    }
    expect(listScenarios().length).toBeGreaterThanOrEqual(ids.length);
  });

  it('every scenario has a description, valid knob defaults and a main series that it records', async () => {
    for (const scenario of patternScenarios) {
      expect(scenario.description.length).toBeGreaterThan(100);
      const knobs = resolveKnobs(scenario.knobs, {});
      const columns = mainSeries[scenario.id];
      expect(columns?.length).toBeGreaterThan(0);
      const result = await scenario.run(1, knobs, { durationMs: 2_000 });
      for (const column of columns!) expect(Object.keys(result.series['pattern']!.columns)).toContain(column);
      expect(result.summary.rows.length).toBeGreaterThan(1);
    }
  });

  it('every scenario is deterministic: the same seed gives the same summary and trace', async () => {
    for (const scenario of patternScenarios) {
      const knobs = resolveKnobs(scenario.knobs, {});
      const first = await scenario.run('replay', knobs, { durationMs: 1_500, trace: true });
      const again = await scenario.run('replay', knobs, { durationMs: 1_500, trace: true });
      expect(again.summary).toEqual(first.summary);
      expect(again.trace?.hash).toBe(first.trace?.hash);
      expect(first.trace?.count).toBeGreaterThan(0);
    }
  });
});
