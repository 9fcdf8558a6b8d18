import { check, checkKnownKeys } from '../../../options/index.js';
import type { Host } from '../host.js';
import type { BalancingAlgorithm } from './algorithm.js';

/**
 * Options of {@link leastOutstanding}.
 * @category Load balancing
 */
export interface LeastOutstandingOptions {
  /**
   * Hosts sampled per pick; the one with the fewest outstanding calls per unit of weight wins.
   * Two ("the power of two choices", Mitzenmacher) is nearly as good as scanning all of them.
   * @default 2
   */
  readonly choices?: number;
}

/**
 * Defaults of {@link LeastOutstandingOptions}.
 * @example
 * ```ts
 * import { DEFAULT_LEAST_OUTSTANDING_OPTIONS } from '@keel/core/load-balancing';
 * console.log(DEFAULT_LEAST_OUTSTANDING_OPTIONS.choices); // 2
 * ```
 * @category Load balancing
 */
export const DEFAULT_LEAST_OUTSTANDING_OPTIONS = {
  choices: 2,
} as const satisfies Required<LeastOutstandingOptions>;

/**
 * Least outstanding requests with the power of d choices (Envoy's `LEAST_REQUEST`): sample
 * `choices` distinct hosts at random (in proportion to weight) and take the one with the lowest
 * `outstanding / weight`.
 * Reacts to slow hosts through their queue length alone, with no latency measurements.
 * @example
 * ```ts
 * import { EndpointSet, leastOutstanding, loadBalancer } from '@keel/core/load-balancing';
 * const balancer = loadBalancer(new EndpointSet([{ id: 'a' }, { id: 'b' }, { id: 'c' }]), leastOutstanding());
 * const endpoint = balancer.pick();
 * balancer.release(endpoint);
 * ```
 * @category Load balancing
 */
export function leastOutstanding(options: LeastOutstandingOptions = {}): BalancingAlgorithm {
  checkKnownKeys('options', options, Object.keys(DEFAULT_LEAST_OUTSTANDING_OPTIONS));
  const choices = check.integer('choices', options.choices, DEFAULT_LEAST_OUTSTANDING_OPTIONS.choices, {
    min: 1,
  });
  return {
    name: `least-outstanding(p${choices}c)`,
    usesWeights: true,
    create: ({ random }) => {
      let hosts: readonly Host[] = [];
      let cumulative: Float64Array | undefined;
      // Candidates are drawn in proportion to weight, then compared by load per unit of weight,
      // so an idle cluster is shared by weight and a busy one by spare capacity.
      const cost = (host: Host): number => host.outstanding / host.weight;
      const draw = (): number => {
        if (!cumulative) return Math.floor(random.next() * hosts.length);
        const target = random.next() * cumulative[cumulative.length - 1]!;
        let low = 0;
        let high = cumulative.length - 1;
        while (low < high) {
          const mid = (low + high) >>> 1;
          if (cumulative[mid]! <= target) low = mid + 1;
          else high = mid;
        }
        return low;
      };
      return {
        update: (eligible) => {
          hosts = eligible;
          cumulative = undefined;
          if (eligible.some((h) => h.weight !== eligible[0]!.weight)) {
            cumulative = new Float64Array(eligible.length);
            let sum = 0;
            for (let i = 0; i < eligible.length; i++) cumulative[i] = sum += eligible[i]!.weight;
          }
        },
        pick: () => {
          const n = hosts.length;
          if (n === 1) return hosts[0]!;
          if (choices === 2 && !cumulative) {
            const i = Math.floor(random.next() * n);
            let j = Math.floor(random.next() * (n - 1));
            if (j >= i) j++;
            const a = hosts[i]!;
            const b = hosts[j]!;
            return cost(b) < cost(a) ? b : a;
          }
          if (choices === 2) {
            const i = draw();
            let j = draw();
            // A heavy host may be drawn twice; after a few tries take its neighbour.
            for (let tries = 0; j === i && tries < 8; tries++) j = draw();
            if (j === i) j = (i + 1) % n;
            const a = hosts[i]!;
            const b = hosts[j]!;
            return cost(b) < cost(a) ? b : a;
          }
          return sampleBest(hosts, Math.min(choices, n), draw, cost);
        },
      };
    },
  };
}

/** @internal The lowest-cost host among `d` distinct drawn ones (all of them when d >= n); ties go to the first drawn. */
export function sampleBest(
  hosts: readonly Host[],
  d: number,
  drawIndex: () => number,
  cost: (host: Host) => number,
): Host {
  const n = hosts.length;
  let best: Host = hosts[0]!;
  let bestCost = Number.POSITIVE_INFINITY;
  if (d >= n) {
    for (const host of hosts) {
      const c = cost(host);
      if (c < bestCost) {
        bestCost = c;
        best = host;
      }
    }
    return best;
  }
  const seen: number[] = [];
  while (seen.length < d) {
    const index = drawIndex();
    if (seen.includes(index)) continue; // d < n, so a fresh index is always found
    seen.push(index);
    const c = cost(hosts[index]!);
    if (c < bestCost) {
      bestCost = c;
      best = hosts[index]!;
    }
  }
  return best;
}
