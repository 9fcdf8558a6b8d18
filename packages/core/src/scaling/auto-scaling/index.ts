export {
  DEFAULT_SCALING_BEHAVIOR,
  type ResolvedScalingBehavior,
  type ResolvedScalingRules,
  resolveBehavior,
  type ScalingBehavior,
  type ScalingPolicy,
  type ScalingRules,
  type SelectPolicy,
} from './behavior.js';
export { isMetricUnavailableError, MetricUnavailableError } from './errors.js';
export {
  DEFAULT_HPA_OPTIONS,
  type DecisionReason,
  HpaCalculator,
  type HpaCalculatorOptions,
  type HpaInput,
  hpaCalculator,
  type LimitedBy,
  type ScalingDecision,
} from './hpa-calculator.js';
export {
  type AverageValueObservation,
  type MetricObservation,
  type MetricProposal,
  type PerReplicaObservation,
  proposeReplicas,
  type ReplicaCounts,
  type ReplicaSample,
  type Tolerances,
  type UnavailableObservation,
  type ValueObservation,
} from './metric.js';
