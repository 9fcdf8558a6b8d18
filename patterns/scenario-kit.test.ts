import type { ScenarioResult } from '@keel/sim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attemptsPerRequest, successPercent, summaryRow } from './scenario-kit.js';

describe('successPercent', () => {
  it('is the share of finished calls of that name that succeeded', () => {
    const counters = { 'req.ok': 90, 'req.failed': 10, 'other.ok': 1, 'other.failed': 3 };
    expect(successPercent(counters, 'req')).toBe(90);
    expect(successPercent(counters, 'other')).toBe(25);
  });

  it('reads 0 when no call of that name finished', () => {
    expect(successPercent({ 'req.ok': 5 }, 'missing')).toBe(0);
  });

  it('stays within 0..100 for any counts', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), (ok, failed) => {
        const percent = successPercent({ 'x.ok': ok, 'x.failed': failed }, 'x');
        expect(percent).toBeGreaterThanOrEqual(0);
        expect(percent).toBeLessThanOrEqual(100);
      }),
    );
  });
});

describe('attemptsPerRequest', () => {
  it('divides the attempts by the finished requests', () => {
    expect(attemptsPerRequest({ attempts: 120, 'req.ok': 95, 'req.failed': 5 })).toBeCloseTo(1.2);
    expect(attemptsPerRequest({ 'req.ok': 4 })).toBe(0);
  });

  it('is NaN when no request finished', () => {
    expect(attemptsPerRequest({ attempts: 3 })).toBeNaN();
  });
});

describe('summaryRow', () => {
  const result: ScenarioResult = {
    metrics: {},
    series: {},
    summary: {
      rows: [
        { label: 'p99 latency', unit: 'ms', better: 'lower', baseline: 40, pattern: 12 },
        { label: 'Success', unit: '%', better: 'higher', baseline: 80, pattern: 99 },
      ],
    },
  };

  it('finds the row by its label', () => {
    expect(summaryRow(result, 'Success').pattern).toBe(99);
    expect(summaryRow(result, 'p99 latency').baseline).toBe(40);
  });

  it('throws, naming the label, when there is no such row', () => {
    expect(() => summaryRow(result, 'Goodput')).toThrow('no row "Goodput"');
  });
});
