export type { AlgorithmContext, BalancingAlgorithm, BalancingStrategy } from './algorithms/algorithm.js';
export {
  type ConsistentHashOptions,
  DEFAULT_MAGLEV_HASH_OPTIONS,
  DEFAULT_RING_HASH_OPTIONS,
  type MaglevHashOptions,
  maglevHash,
  type RingHashOptions,
  ringHash,
} from './algorithms/consistent-hash.js';
export {
  DEFAULT_LEAST_OUTSTANDING_OPTIONS,
  type LeastOutstandingOptions,
  leastOutstanding,
} from './algorithms/least-outstanding.js';
export { DEFAULT_PEAK_EWMA_OPTIONS, type PeakEwmaOptions, peakEwma } from './algorithms/peak-ewma.js';
export { weightedRandom } from './algorithms/random.js';
export { roundRobin, smoothWeightedRoundRobin } from './algorithms/round-robin.js';
export { type Endpoint, type EndpointInit, EndpointSet, type EndpointSetChange } from './endpoint-set.js';
export { isNoEndpointError, NoEndpointError } from './errors.js';
export { type CallOutcome, type EjectionReason, Host, type HostHealth } from './host.js';
export {
  type Balancer,
  type BalancerEvent,
  DEFAULT_LOAD_BALANCER_OPTIONS,
  type EndpointStats,
  LoadBalancer,
  type LoadBalancerOptions,
  loadBalancer,
} from './load-balancer.js';
export {
  DEFAULT_OUTLIER_DETECTION_OPTIONS,
  isServerFailure,
  type OutlierDetectionOptions,
} from './outlier-detection.js';
export { DEFAULT_SLOW_START_OPTIONS, type SlowStartOptions, slowStartFactor } from './slow-start.js';
