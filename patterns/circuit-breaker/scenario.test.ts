import { resolveKnobs } from '@keel/sim';
import { describe, expect, it } from 'vitest';
import { summaryRow } from '../scenario-kit.js';
import { circuitBreakerScenario } from './scenario.js';

describe('circuit breaker scenario', () => {
  for (const halfOpenPermits of [1, 3, 8]) {
    it(`spares the dead dependency, notices recovery within one break, no probe flood (${halfOpenPermits} permits)`, async () => {
      const knobs = resolveKnobs(circuitBreakerScenario.knobs, { halfOpenPermits });
      const result = await circuitBreakerScenario.run(21, knobs, { durationMs: 25_000 });
      const outageCalls = summaryRow(result, 'Calls to the dependency during the outage');
      // The baseline sends everything: about rps x outage.
      expect(outageCalls.baseline).toBeGreaterThan(knobs.rps * (knobs.outageMs / 1000) * 0.9);
      // At least 90% fewer, counting the calls made before the circuit opened.
      expect(outageCalls.pattern).toBeLessThanOrEqual(outageCalls.baseline * 0.1);
      // The first probe after the outage comes at most one break later, and succeeds.
      const noticed = summaryRow(result, 'Recovery noticed after the outage').pattern;
      expect(noticed).toBeGreaterThanOrEqual(0);
      expect(noticed).toBeLessThanOrEqual(knobs.breakMs + 200);
      // Never more probes in flight than permits, and the circuit did probe.
      const probes = summaryRow(result, 'Most probes in flight').pattern;
      expect(probes).toBeGreaterThanOrEqual(1);
      expect(probes).toBeLessThanOrEqual(knobs.halfOpenPermits);
      // Requests during the outage fail at once instead of waiting out the timeout.
      expect(summaryRow(result, 'Mean latency').pattern).toBeLessThan(
        summaryRow(result, 'Mean latency').baseline / 2,
      );
    });
  }

  it('with no outage the circuit never opens and nothing changes', async () => {
    const knobs = resolveKnobs(circuitBreakerScenario.knobs, { outageMs: 0 });
    const result = await circuitBreakerScenario.run(21, knobs, { durationMs: 10_000 });
    const success = summaryRow(result, 'Successful requests');
    expect(success.baseline).toBe(100);
    expect(success.pattern).toBe(100);
    expect(summaryRow(result, 'Most probes in flight').pattern).toBe(0);
  });
});
