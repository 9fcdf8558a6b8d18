export {
  type Actuator,
  type Autoscaler,
  type AutoscalerEvent,
  type AutoscalerOptions,
  type AutoscalerState,
  autoscaler,
  DEFAULT_AUTOSCALER_OPTIONS,
  type ReplicaStatus,
} from './autoscaler.js';
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
export {
  inFlightMetric,
  type MetricSource,
  perReplicaMetric,
  queueDepthMetric,
  utilizationMetric,
  valueMetric,
} from './metric-source.js';
export {
  DEFAULT_UTILIZATION_METER_OPTIONS,
  UtilizationMeter,
  type UtilizationMeterOptions,
} from './utilization-meter.js';
