import { resolveKnobs } from '@keel/sim';
import { describe, expect, it } from 'vitest';
import { summaryRow } from '../scenario-kit.js';
import { retryScenario, retryStormScenario } from './scenario.js';

describe('retry scenario: transient errors', () => {
  it('raises the success rate from 1 - errorRate to nearly 100%', async () => {
    const knobs = resolveKnobs(retryScenario.knobs, {});
    const result = await retryScenario.run(3, knobs, { durationMs: 30_000 });
    const success = summaryRow(result, 'Successful requests');
    const calls = summaryRow(result, 'Calls per request');
    expect(success.baseline).toBeGreaterThan(77);
    expect(success.baseline).toBeLessThan(83);
    // Four attempts all fail with probability 0.2^4 = 0.16%.
    expect(success.pattern).toBeGreaterThan(99);
    expect(calls.baseline).toBeCloseTo(1, 2);
    // Expected attempts: 1 + 0.2 + 0.04 + 0.008 ≈ 1.25.
    expect(calls.pattern).toBeGreaterThan(1.2);
    expect(calls.pattern).toBeLessThan(1.3);
  });

  it('with no retries allowed, the pattern is the baseline', async () => {
    const knobs = resolveKnobs(retryScenario.knobs, { maxRetries: 0 });
    const result = await retryScenario.run(3, knobs, { durationMs: 10_000 });
    const success = summaryRow(result, 'Successful requests');
    expect(success.pattern).toBe(success.baseline);
  });
});

describe('retry scenario: retry storm against a recovering dependency', () => {
  it('naive retries amplify load and keep the dependency down; budget and backoff do not', async () => {
    const knobs = resolveKnobs(retryStormScenario.knobs, {});
    const durationMs = 20_000;
    const result = await retryStormScenario.run(7, knobs, { durationMs });
    const outageCalls = summaryRow(result, 'Calls per request during the outage');
    const calls = summaryRow(result, 'Calls per request');
    const recovery = summaryRow(result, 'Recovery after the outage');
    // Every attempt times out while the dependency is down: four calls per request.
    expect(outageCalls.baseline).toBeGreaterThan(3);
    expect(outageCalls.pattern).toBeLessThanOrEqual(1.2);
    expect(calls.baseline).toBeGreaterThan(2.5);
    expect(calls.pattern).toBeLessThanOrEqual(1.2);
    // The baseline never gets back to a healthy second before the run ends (metastable).
    const untilEnd = (durationMs - knobs.outageStartMs - knobs.outageMs) / 1000;
    expect(recovery.baseline).toBeGreaterThanOrEqual(untilEnd - 1);
    expect(recovery.pattern).toBeLessThanOrEqual(2);
    expect(summaryRow(result, 'Successful requests').pattern).toBeGreaterThan(
      summaryRow(result, 'Successful requests').baseline + 30,
    );
  });
});
