import { InvalidOptionError } from '@keel/core/errors';
import type { Random } from '@keel/core/random';

/**
 * A distribution of non-negative durations or sizes, sampled from an injected generator so a
 * seed fixes every draw.
 *
 * @example
 * ```ts
 * import { lognormal } from '@keel/sim';
 * import { seededRandom } from '@keel/core/random';
 * const latency = lognormal(20, 0.5);
 * console.log(latency.sample(seededRandom(1)) > 0, latency.mean);
 * ```
 * @category Simulation
 */
export interface Distribution {
  /** Draws one value. */
  sample(random: Random): number;
  /** The theoretical mean (Infinity when it does not exist). */
  readonly mean: number;
  /** A short human-readable description, such as `lognormal(median=20, sigma=0.5)`. */
  readonly description: string;
}

function positive(field: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
    throw new InvalidOptionError(field, value, 'a finite number > 0');
  return value;
}

function nonNegative(field: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value))
    throw new InvalidOptionError(field, value, 'a finite number >= 0');
  return value;
}

/**
 * Always `value`.
 * @example
 * ```ts
 * import { constant } from '@keel/sim';
 * console.log(constant(5).mean); // 5
 * ```
 * @category Simulation
 */
export function constant(value: number): Distribution {
  nonNegative('value', value);
  return { sample: () => value, mean: value, description: `constant(${value})` };
}

/**
 * Uniform on [low, high).
 * @example
 * ```ts
 * import { uniform } from '@keel/sim';
 * console.log(uniform(10, 30).mean); // 20
 * ```
 * @category Simulation
 */
export function uniform(low: number, high: number): Distribution {
  nonNegative('low', low);
  nonNegative('high', high);
  if (high < low) throw new InvalidOptionError('high', high, `a number >= low (${low})`);
  const width = high - low;
  return {
    sample: (random) => low + width * random.next(),
    mean: (low + high) / 2,
    description: `uniform(${low}, ${high})`,
  };
}

/**
 * Exponential with the given mean: the inter-arrival time of a Poisson process, and the
 * service time of an M/M/1 queue.
 * @example
 * ```ts
 * import { exponential } from '@keel/sim';
 * console.log(exponential(10).mean); // 10
 * ```
 * @category Simulation
 */
export function exponential(mean: number): Distribution {
  positive('mean', mean);
  return {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    sample: (random) => -mean * Math.log(1 - random.next()),
    mean,
    description: `exponential(mean=${mean})`,
  };
}

/** One standard normal deviate by Box-Muller (the second deviate is dropped: no hidden state). */
function standardNormal(random: Random): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Normal with mean and standard deviation, truncated at 0 (negative draws become 0), which
 * suits durations whose deviation is small next to their mean.
 * @example
 * ```ts
 * import { normal } from '@keel/sim';
 * console.log(normal(100, 10).description);
 * ```
 * @category Simulation
 */
export function normal(mean: number, stdDev: number): Distribution {
  nonNegative('mean', mean);
  nonNegative('stdDev', stdDev);
  return {
    sample: (random) => {
      const x = mean + stdDev * standardNormal(random);
      return Math.max(x, 0);
    },
    mean,
    description: `normal(mean=${mean}, sd=${stdDev})`,
  };
}

/**
 * Log-normal with the given median and shape `sigma` (the standard deviation of the
 * logarithm): the usual model of service latency, with a long right tail.
 * Mean is `median * exp(sigma^2 / 2)`; the p99 is `median * exp(2.326 * sigma)`.
 * @example
 * ```ts
 * import { lognormal } from '@keel/sim';
 * console.log(lognormal(10, 1).mean.toFixed(2)); // 16.49
 * ```
 * @category Simulation
 */
export function lognormal(median: number, sigma: number): Distribution {
  positive('median', median);
  nonNegative('sigma', sigma);
  const mu = Math.log(median);
  return {
    sample: (random) => Math.exp(mu + sigma * standardNormal(random)),
    mean: median * Math.exp((sigma * sigma) / 2),
    description: `lognormal(median=${median}, sigma=${sigma})`,
  };
}

/**
 * Pareto (type I) with minimum `scale` and tail index `shape`: a heavy tail where
 * `P(X > x) = (scale / x)^shape`. The mean is infinite for `shape <= 1`.
 * @example
 * ```ts
 * import { pareto } from '@keel/sim';
 * console.log(pareto(10, 2).mean); // 20
 * ```
 * @category Simulation
 */
export function pareto(scale: number, shape: number): Distribution {
  positive('scale', scale);
  positive('shape', shape);
  const inverse = 1 / shape;
  return {
    sample: (random) => scale / (1 - random.next()) ** inverse,
    mean: shape > 1 ? (shape * scale) / (shape - 1) : Number.POSITIVE_INFINITY,
    description: `pareto(scale=${scale}, shape=${shape})`,
  };
}

/**
 * A mixture: with probability `slowShare` a draw from `slow`, otherwise from `fast`. Models a
 * cache (hit or miss) or a dependency with two paths.
 * @example
 * ```ts
 * import { bimodal, constant } from '@keel/sim';
 * console.log(bimodal(constant(5), constant(100), 0.1).mean); // 14.5
 * ```
 * @category Simulation
 */
export function bimodal(fast: Distribution, slow: Distribution, slowShare: number): Distribution {
  if (typeof slowShare !== 'number' || !(slowShare >= 0 && slowShare <= 1))
    throw new InvalidOptionError('slowShare', slowShare, 'a ratio in [0, 1]');
  return {
    sample: (random) => (random.next() < slowShare ? slow.sample(random) : fast.sample(random)),
    mean: (1 - slowShare) * fast.mean + slowShare * slow.mean,
    description: `bimodal(${fast.description} | ${slow.description} @ ${slowShare})`,
  };
}

/**
 * `base` shifted by `offset` and scaled by `factor`: `offset + factor * x`. Used for brown-outs
 * (slower service) and for a link's fixed propagation delay plus jitter.
 * @example
 * ```ts
 * import { constant, scaled } from '@keel/sim';
 * console.log(scaled(constant(10), 3, 1).mean); // 31
 * ```
 * @category Simulation
 */
export function scaled(base: Distribution, factor: number, offset = 0): Distribution {
  nonNegative('factor', factor);
  nonNegative('offset', offset);
  return {
    sample: (random) => offset + factor * base.sample(random),
    mean: offset + factor * base.mean,
    description:
      factor === 1 && offset === 0 ? base.description : `${offset} + ${factor} * ${base.description}`,
  };
}
