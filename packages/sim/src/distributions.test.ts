import { isInvalidOptionError } from '@keel/core/errors';
import { seededRandom } from '@keel/core/random';
import { describe, expect, it } from 'vitest';
import {
  bimodal,
  constant,
  type Distribution,
  exponential,
  lognormal,
  normal,
  pareto,
  scaled,
  uniform,
} from './distributions.js';

const N = 200_000;

function draw(distribution: Distribution, seed = 42): Float64Array {
  const random = seededRandom(seed);
  const values = new Float64Array(N);
  for (let i = 0; i < N; i++) values[i] = distribution.sample(random);
  values.sort();
  return values;
}

const meanOf = (values: Float64Array): number => values.reduce((a, b) => a + b, 0) / values.length;
const quantile = (values: Float64Array, q: number): number => values[Math.floor(q * (values.length - 1))]!;

describe('distributions', () => {
  it('constant', () => {
    const values = draw(constant(7));
    expect(values[0]).toBe(7);
    expect(values[N - 1]).toBe(7);
  });

  it('uniform: mean and quartiles', () => {
    const values = draw(uniform(10, 30));
    expect(meanOf(values)).toBeCloseTo(20, 1);
    expect(quantile(values, 0.25)).toBeCloseTo(15, 0);
    expect(values[0]).toBeGreaterThanOrEqual(10);
    expect(values[N - 1]).toBeLessThan(30);
  });

  it('exponential: mean and median = mean ln 2', () => {
    const values = draw(exponential(10));
    expect(meanOf(values)).toBeGreaterThan(9.9);
    expect(meanOf(values)).toBeLessThan(10.1);
    expect(quantile(values, 0.5)).toBeCloseTo(10 * Math.LN2, 1);
  });

  it('normal: mean, one-sigma quantiles', () => {
    const values = draw(normal(100, 10));
    expect(meanOf(values)).toBeCloseTo(100, 0);
    expect(quantile(values, 0.8413)).toBeCloseTo(110, 0);
    expect(quantile(values, 0.1587)).toBeCloseTo(90, 0);
  });

  it('normal is truncated at zero', () => {
    expect(draw(normal(1, 10))[0]).toBe(0);
  });

  it('lognormal: median, p99 and mean', () => {
    const d = lognormal(20, 0.5);
    const values = draw(d);
    expect(quantile(values, 0.5) / 20).toBeCloseTo(1, 1);
    expect(quantile(values, 0.99) / (20 * Math.exp(2.3263 * 0.5))).toBeCloseTo(1, 1);
    expect(meanOf(values) / d.mean).toBeCloseTo(1, 1);
  });

  it('pareto: minimum, median and tail', () => {
    const values = draw(pareto(10, 2));
    expect(values[0]).toBeGreaterThanOrEqual(10);
    // P(X > x) = (10 / x)^2 -> median 10 * sqrt(2), p99 = 100.
    expect(quantile(values, 0.5) / (10 * Math.SQRT2)).toBeCloseTo(1, 1);
    expect(quantile(values, 0.99) / 100).toBeCloseTo(1, 1);
    expect(pareto(1, 0.9).mean).toBe(Number.POSITIVE_INFINITY);
  });

  it('bimodal: share of slow draws and mean', () => {
    const d = bimodal(constant(5), constant(100), 0.1);
    const values = draw(d);
    const slow = values.filter((v) => v === 100).length / N;
    expect(slow).toBeCloseTo(0.1, 2);
    expect(meanOf(values)).toBeCloseTo(d.mean, 0);
  });

  it('scaled: offset and factor', () => {
    const values = draw(scaled(uniform(0, 2), 3, 1));
    expect(meanOf(values)).toBeCloseTo(4, 1);
    expect(values[0]).toBeGreaterThanOrEqual(1);
  });

  it('equal seeds give equal draws, different seeds differ', () => {
    const d = lognormal(10, 1);
    expect(draw(d, 1)).toEqual(draw(d, 1));
    expect(draw(d, 1)).not.toEqual(draw(d, 2));
  });

  it('rejects bad parameters naming them', () => {
    const bad: [() => unknown, string][] = [
      [() => constant(-1), 'value'],
      [() => uniform(5, 1), 'high'],
      [() => exponential(0), 'mean'],
      [() => normal(1, -1), 'stdDev'],
      [() => lognormal(0, 1), 'median'],
      [() => pareto(1, 0), 'shape'],
      [() => bimodal(constant(1), constant(2), 2), 'slowShare'],
      [() => scaled(constant(1), Number.NaN), 'factor'],
    ];
    for (const [make, field] of bad) {
      try {
        make();
        expect.unreachable(field);
      } catch (error) {
        expect(isInvalidOptionError(error) && error.field).toBe(field);
      }
    }
  });
});
