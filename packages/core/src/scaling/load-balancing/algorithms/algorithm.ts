import type { Clock } from '../../../clock/index.js';
import type { Random } from '../../../random/index.js';
import type { ShardKey } from '../../sharding/hash.js';
import type { CallOutcome, Host } from '../host.js';

/**
 * What a balancing strategy may use besides the hosts: the balancer's clock and randomness.
 * @category Load balancing
 */
export interface AlgorithmContext {
  readonly clock: Clock;
  readonly random: Random;
}

/**
 * The live part of an algorithm, created once per balancer.
 * @category Load balancing
 */
export interface BalancingStrategy {
  /**
   * The hosts that may be picked changed: membership, ejections or effective weights. Never
   * empty. Precompute here what `pick` needs.
   */
  update(hosts: readonly Host[]): void;
  /** Chooses one of the hosts last given to `update`. `key` is the request's affinity key, if any. */
  pick(key: ShardKey | undefined): Host;
  /** Feedback on a completed call, for latency-aware algorithms. */
  report?(host: Host, outcome: CallOutcome, now: number): void;
}

/**
 * A balancing algorithm: a name and a factory for its per-balancer state. Pass one of the
 * built-in ones (`roundRobin()`, `peakEwma()`, ...) to `loadBalancer`, or write your own.
 *
 * @example
 * ```ts
 * import type { BalancingAlgorithm } from '@keel/core/load-balancing';
 * const first: BalancingAlgorithm = {
 *   name: 'first',
 *   usesWeights: false,
 *   create: () => {
 *     let hosts: readonly import('@keel/core/load-balancing').Host[] = [];
 *     return { update: (next) => { hosts = next; }, pick: () => hosts[0]! };
 *   },
 * };
 * console.log(first.name);
 * ```
 * @category Load balancing
 */
export interface BalancingAlgorithm {
  readonly name: string;
  /** Whether a change of effective weight (slow start) requires `update`. */
  readonly usesWeights: boolean;
  create(context: AlgorithmContext): BalancingStrategy;
}
