import { resolveKnobs } from '@keel/sim';
import { describe, expect, it } from 'vitest';
import { summaryRow } from '../scenario-kit.js';
import { hedgingScenario, timeoutScenario } from './scenario.js';

describe('timeout scenario', () => {
  it('keeps the calls in flight bounded while the baseline saturates its caller', async () => {
    const knobs = resolveKnobs(timeoutScenario.knobs, {});
    const result = await timeoutScenario.run(11, knobs, { durationMs: 30_000 });
    const peak = summaryRow(result, 'Peak calls in flight');
    const atEnd = summaryRow(result, 'Calls in flight at the end');
    const success = summaryRow(result, 'Successful calls');
    // Hung calls pile up until every slot of the caller is taken, and they never leave.
    expect(peak.baseline).toBe(knobs.capacity);
    expect(atEnd.baseline).toBe(knobs.capacity);
    // With the timeout, a hung call holds its slot for 250 ms: about 200/s x (0.9 x 21 ms + 0.1 x 250 ms) ≈ 9 calls.
    expect(peak.pattern).toBeLessThan(knobs.capacity * 0.25);
    expect(atEnd.pattern).toBeLessThan(knobs.capacity * 0.25);
    // Once saturated, the baseline only serves the odd call; the pattern serves all but the hung ones.
    expect(success.baseline).toBeLessThan(50);
    expect(success.pattern).toBeGreaterThan(85);
  });

  it('without hangs, both variants behave the same', async () => {
    const knobs = resolveKnobs(timeoutScenario.knobs, { hangRate: 0 });
    const result = await timeoutScenario.run(11, knobs, { durationMs: 10_000 });
    const success = summaryRow(result, 'Successful calls');
    expect(success.baseline).toBe(100);
    expect(success.pattern).toBe(100);
    expect(summaryRow(result, 'Peak calls in flight').baseline).toBeLessThan(knobs.capacity * 0.1);
  });
});

describe('hedging scenario', () => {
  it('cuts the p99 latency markedly for at most 5% more calls', async () => {
    const knobs = resolveKnobs(hedgingScenario.knobs, {});
    const result = await hedgingScenario.run(5, knobs, { durationMs: 20_000 });
    const p99 = summaryRow(result, 'p99 latency');
    const p50 = summaryRow(result, 'p50 latency');
    const load = summaryRow(result, 'Calls sent per request');
    // 2% of calls take about 500 ms, so the baseline's p99 sits in the slow mode.
    expect(p99.baseline).toBeGreaterThan(300);
    // A hedge after the 95th percentile lands the slow calls near 2 x the fast mode.
    expect(p99.pattern).toBeLessThan(p99.baseline / 4);
    expect(p50.pattern).toBeLessThanOrEqual(p50.baseline * 1.05);
    expect(load.baseline).toBeCloseTo(1, 2);
    expect(load.pattern).toBeGreaterThan(1.01);
    expect(load.pattern).toBeLessThanOrEqual(1.05);
  });

  it('the same seed gives the same result', async () => {
    const knobs = resolveKnobs(hedgingScenario.knobs, { rps: 50 });
    const a = await hedgingScenario.run('same', knobs, { durationMs: 5_000, trace: true });
    const b = await hedgingScenario.run('same', knobs, { durationMs: 5_000, trace: true });
    expect(b.summary).toEqual(a.summary);
    expect(b.trace?.hash).toBe(a.trace?.hash);
  });
});
