import type { Host } from '../host.js';
import type { BalancingAlgorithm } from './algorithm.js';

/**
 * Plain round robin: each pick takes the next host in turn, ignoring weights. Each balancer
 * starts at a random position so that many clients do not hit the same host in lockstep.
 * @example
 * ```ts
 * import { EndpointSet, loadBalancer, roundRobin } from '@keel/core/load-balancing';
 * const balancer = loadBalancer(new EndpointSet([{ id: 'a' }, { id: 'b' }]), roundRobin());
 * console.log(balancer.pick().id, balancer.pick().id); // alternates
 * ```
 * @category Load balancing
 */
export function roundRobin(): BalancingAlgorithm {
  return {
    name: 'round-robin',
    usesWeights: false,
    create: ({ random }) => {
      let hosts: readonly Host[] = [];
      let next = Math.floor(random.next() * 1024);
      return {
        update: (eligible) => {
          hosts = eligible;
        },
        pick: () => {
          if (next >= hosts.length) next %= hosts.length;
          return hosts[next++]!;
        },
      };
    },
  };
}

/**
 * Smooth weighted round robin (nginx's algorithm): each pick adds every host's weight to its
 * running score, takes the host with the highest score and subtracts the total weight from it.
 * Over any `sum(weights)` consecutive picks (integer weights), each host is picked exactly
 * `weight` times, and picks of a heavy host are spread out rather than bunched.
 * @example
 * ```ts
 * import { EndpointSet, loadBalancer, smoothWeightedRoundRobin } from '@keel/core/load-balancing';
 * const set = new EndpointSet([{ id: 'a', weight: 5 }, { id: 'b' }, { id: 'c' }]);
 * const balancer = loadBalancer(set, smoothWeightedRoundRobin());
 * console.log(Array.from({ length: 7 }, () => balancer.pick().id).join('')); // aabacaa
 * ```
 * @category Load balancing
 */
export function smoothWeightedRoundRobin(): BalancingAlgorithm {
  return {
    name: 'smooth-weighted-round-robin',
    usesWeights: true,
    create: () => {
      let hosts: readonly Host[] = [];
      let total = 0;
      return {
        update: (eligible) => {
          // A membership change restarts the cycle; a pure weight change (slow start) keeps scores.
          if (eligible.length !== hosts.length || eligible.some((h, i) => h !== hosts[i]))
            for (const host of eligible) host.current = 0;
          hosts = eligible;
          total = 0;
          for (const host of eligible) total += host.weight;
        },
        pick: () => {
          let best = hosts[0]!;
          let bestScore = Number.NEGATIVE_INFINITY;
          for (let i = 0; i < hosts.length; i++) {
            const host = hosts[i]!;
            host.current += host.weight;
            if (host.current > bestScore) {
              bestScore = host.current;
              best = host;
            }
          }
          best.current -= total;
          return best;
        },
      };
    },
  };
}
