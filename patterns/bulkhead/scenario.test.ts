import { resolveKnobs } from '@keel/sim';
import { describe, expect, it } from 'vitest';
import { summaryRow } from '../scenario-kit.js';
import { bulkheadScenario, overloadScenario } from './scenario.js';

describe('bulkhead scenario', () => {
  it('a slow dependency does not starve calls to a healthy one', async () => {
    const knobs = resolveKnobs(bulkheadScenario.knobs, {});
    const result = await bulkheadScenario.run(4, knobs, { durationMs: 20_000 });
    const healthy = summaryRow(result, 'Healthy dependency: successful calls');
    const latency = summaryRow(result, 'Healthy dependency: p99 latency of answered calls');
    const pool = summaryRow(result, 'Peak pool use');
    // Without bulkheads the slow calls hold the whole pool and about half the healthy calls find no slot.
    expect(pool.baseline).toBe(knobs.poolSize);
    expect(healthy.baseline).toBeLessThan(70);
    // With them, the slow dependency holds at most its bulkhead and the healthy one loses nothing.
    expect(pool.pattern).toBeLessThanOrEqual(knobs.bulkheadSize + 15);
    expect(healthy.pattern).toBeGreaterThan(99.5);
    // The healthy dependency's answered calls keep their usual latency (lognormal, median 10 ms, plus 2 ms of network).
    expect(latency.pattern).toBeLessThan(40);
    // The price: the slow dependency gets only what fits its bulkhead.
    expect(summaryRow(result, 'Slow dependency: successful calls').pattern).toBeLessThan(
      summaryRow(result, 'Slow dependency: successful calls').baseline,
    );
  });

  it('when nothing slows down, nobody is refused', async () => {
    const knobs = resolveKnobs(bulkheadScenario.knobs, { slowMs: 10 });
    const result = await bulkheadScenario.run(4, knobs, { durationMs: 10_000 });
    expect(summaryRow(result, 'Healthy dependency: successful calls').baseline).toBe(100);
    expect(summaryRow(result, 'Healthy dependency: successful calls').pattern).toBe(100);
    expect(summaryRow(result, 'Slow dependency: successful calls').pattern).toBe(100);
  });
});

describe('overload scenario', () => {
  it('goodput and latency stay bounded under a spike, while queueing everything collapses both', async () => {
    const knobs = resolveKnobs(overloadScenario.knobs, {});
    const durationMs = 30_000;
    const result = await overloadScenario.run(8, knobs, { durationMs });
    const goodput = summaryRow(result, 'Goodput');
    const latency = summaryRow(result, 'p99 latency of answered requests');
    // The backlog of the spike (about 200 req/s x 10 s) drains at 50 req/s: seconds of queueing.
    expect(latency.baseline).toBeGreaterThan(5_000);
    expect(latency.pattern).toBeLessThan(knobs.sloMs);
    // Capacity is about 200 req/s and the offered load averages above it, so the pattern stays near its rate limit.
    expect(goodput.pattern).toBeGreaterThan(140);
    expect(goodput.baseline).toBeLessThan(goodput.pattern / 3);
    // The pattern sheds load only while overloaded: the refused share stays near the excess offered.
    const refused = summaryRow(result, 'Requests refused at once');
    expect(refused.baseline).toBe(0);
    expect(refused.pattern).toBeGreaterThan(10);
    expect(refused.pattern).toBeLessThan(45);
  });
});
