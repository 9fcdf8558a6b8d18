import { describe, expect, it } from 'vitest';
import { constantRate, ramp, spike, steps, sumRates } from './rate-schedule.js';

describe('rate schedules', () => {
  it('compute rates and bounds', () => {
    const s = steps([
      { at: 1_000, perSecond: 50 },
      { at: 0, perSecond: 10 },
    ]);
    expect([s.rateAt(-1), s.rateAt(0), s.rateAt(999), s.rateAt(1_000)]).toEqual([0, 10, 10, 50]);
    expect(s.maxRate).toBe(50);
    const r = ramp(100, 0, 1_000, 1_000);
    expect([r.rateAt(0), r.rateAt(1_500), r.rateAt(5_000)]).toEqual([100, 50, 0]);
    const k = sumRates(constantRate(5), spike(0, 20, 10, 10));
    expect([k.rateAt(0), k.rateAt(15), k.rateAt(20)]).toEqual([5, 25, 5]);
    expect(k.maxRate).toBe(25);
    expect(() => constantRate(-1)).toThrow(/perSecond/);
    expect(() => ramp(1, 2, 0, 0)).toThrow(/durationMs/);
  });
});
