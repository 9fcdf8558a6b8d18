/**
 * Every pattern scenario, registered in `@keel/sim`'s default registry, plus the series that
 * tell each one's story best. The `keel` command line and any other front end find them here.
 */
import { registerScenario, type Scenario, type ScenarioRegistry, scenarios } from '@keel/sim';
import { autoScalingScenario } from './auto-scaling/scenario.js';
import { bulkheadScenario, overloadScenario } from './bulkhead/scenario.js';
import { cachingScenario } from './caching/scenario.js';
import { circuitBreakerScenario } from './circuit-breaker/scenario.js';
import { splitBrainScenario } from './distributed-lock/scenario.js';
import { leaderFailoverScenario } from './leader-election/scenario.js';
import { loadBalancingScenario } from './load-balancing/scenario.js';
import { retryScenario, retryStormScenario } from './retry-backoff/scenario.js';
import { discoveryChurnScenario } from './service-discovery/scenario.js';
import { shardingScenario } from './sharding/scenario.js';
import { hedgingScenario, timeoutScenario } from './timeout/scenario.js';

/**
 * The pattern scenarios, in the order a reader meets the patterns.
 * @example
 * ```ts
 * import { patternScenarios } from './scenarios.js';
 * console.log(patternScenarios.map((s) => s.id).join(', '));
 * ```
 */
export const patternScenarios: readonly Scenario<any>[] = [
  timeoutScenario,
  hedgingScenario,
  retryScenario,
  retryStormScenario,
  circuitBreakerScenario,
  bulkheadScenario,
  overloadScenario,
  loadBalancingScenario,
  shardingScenario,
  autoScalingScenario,
  cachingScenario,
  splitBrainScenario,
  leaderFailoverScenario,
  discoveryChurnScenario,
];

for (const scenario of patternScenarios) registerScenario(scenario);

/**
 * The default registry, holding every scenario above.
 * @example
 * ```ts
 * import { registry } from './scenarios.js';
 * console.log(registry.get('timeout').name);
 * ```
 */
export const registry: ScenarioRegistry = scenarios;

/**
 * Per scenario id, the metric series worth charting first (columns of a variant's series).
 * @example
 * ```ts
 * import { mainSeries } from './scenarios.js';
 * console.log(mainSeries['circuit-breaker']);
 * ```
 */
export const mainSeries: Readonly<Record<string, readonly string[]>> = {
  timeout: ['inflight', 'req.ok', 'req.failed'],
  hedging: ['req.latency.p99', 'attempts'],
  'retry-backoff': ['req.ok', 'req.failed', 'attempts'],
  'retry-storm': ['attempts', 'req.ok', 'req.failed'],
  'circuit-breaker': ['calls', 'req.ok', 'req.failed', 'probes'],
  bulkhead: ['pool', 'inventory.ok', 'inventory.failed'],
  overload: ['goodput', 'answered.latency.p99', 'req.failed'],
  'load-balancing': ['req.latency.p99', 'req.failed', 'ejected'],
  sharding: ['cold', 'database.queued', 'req.latency.p99'],
  'auto-scaling': ['replicas', 'ready', 'req.latency.p99'],
  caching: ['hitRatio', 'db.calls', 'req.latency.p99', 'hot.db.calls'],
  'split-brain': ['writes.accepted', 'writes.conflicting', 'writes.refused', 'updates.lost'],
  'leader-failover': ['leaders', 'acts.accepted', 'acts.stale', 'acts.refused'],
  'discovery-churn': ['routed.dead', 'req.failed', 'list.dead'],
};
