import type { Host } from '../host.js';
import type { BalancingAlgorithm } from './algorithm.js';

/**
 * Random choice, in proportion to weight (uniform when all weights are equal). Stateless and
 * cheap, but uneven over short spans: with 10 hosts, one of them regularly gets far more than a
 * tenth of a small burst.
 * @example
 * ```ts
 * import { EndpointSet, loadBalancer, weightedRandom } from '@keel/core/load-balancing';
 * const balancer = loadBalancer(new EndpointSet([{ id: 'a', weight: 3 }, { id: 'b' }]), weightedRandom());
 * console.log(balancer.pick().id);
 * ```
 * @category Load balancing
 */
export function weightedRandom(): BalancingAlgorithm {
  return {
    name: 'weighted-random',
    usesWeights: true,
    create: ({ random }) => {
      let hosts: readonly Host[] = [];
      let cumulative = new Float64Array(0);
      let uniform = true;
      return {
        update: (eligible) => {
          hosts = eligible;
          cumulative = new Float64Array(eligible.length);
          let sum = 0;
          uniform = true;
          for (let i = 0; i < eligible.length; i++) {
            sum += eligible[i]!.weight;
            cumulative[i] = sum;
            if (eligible[i]!.weight !== eligible[0]!.weight) uniform = false;
          }
        },
        pick: () => {
          const n = hosts.length;
          if (uniform) return hosts[Math.floor(random.next() * n)]!;
          const target = random.next() * cumulative[n - 1]!;
          let low = 0;
          let high = n - 1;
          while (low < high) {
            const mid = (low + high) >>> 1;
            if (cumulative[mid]! <= target) low = mid + 1;
            else high = mid;
          }
          return hosts[low]!;
        },
      };
    },
  };
}
