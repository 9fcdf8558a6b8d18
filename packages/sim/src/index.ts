/**
 * @keel/sim: a seeded discrete-event simulator in which ordinary async TypeScript (the
 * toolkit's policies) runs against simulated services and a faulty network in virtual time.
 * @packageDocumentation
 */

export type { Distribution } from './distributions.js';
export {
  bimodal,
  constant,
  exponential,
  lognormal,
  normal,
  pareto,
  scaled,
  uniform,
} from './distributions.js';
export type { EventCallback } from './engine/event-queue.js';
export { EventQueue } from './engine/event-queue.js';
export type {
  RunOptions,
  RunProgress,
  SimulatorOptions,
  SimulatorStats,
  SkewedClock,
} from './engine/simulator.js';
export { DEFAULT_SIMULATOR_OPTIONS, Simulator } from './engine/simulator.js';
export type { ServiceErrorReason } from './errors.js';
export {
  isServiceError,
  isSimulatorBusyError,
  isUnknownScenarioError,
  ServiceError,
  SimulatorBusyError,
  UnknownScenarioError,
} from './errors.js';
export type { Fault, FaultTarget, RandomFaultOptions, ScheduledFault } from './faults/faults.js';
export { applyFault, randomFaults, scheduleFaults } from './faults/faults.js';
export { chart, formatSummaryTable, sparkline } from './format.js';
export type { ClosedLoopOptions, LoadHandle, OpenLoopOptions } from './load/load.js';
export { closedLoop, openLoop } from './load/load.js';
export type { RateSchedule } from './load/rate-schedule.js';
export { constantRate, ramp, spike, steps, sumRates } from './load/rate-schedule.js';
export type { HistogramSummary } from './metrics/histogram.js';
export { DEFAULT_HISTOGRAM_RELATIVE_ERROR, Histogram } from './metrics/histogram.js';
export type {
  Counter,
  Gauge,
  LatencyRecorder,
  MetricsOptions,
  MetricsSnapshot,
  SeriesSet,
  TimeSource,
} from './metrics/metrics.js';
export { DEFAULT_METRICS_OPTIONS, Metrics } from './metrics/metrics.js';
export type { TraceOptions, TraceValue } from './metrics/trace.js';
export { DEFAULT_TRACE_OPTIONS, fnv1a32, Trace } from './metrics/trace.js';
export type {
  LinkOptions,
  Message,
  MessageHandler,
  NetworkOptions,
  NetworkStats,
  NodeOptions,
  Partition,
  PartitionOptions,
} from './network/network.js';
export { DEFAULT_LINK_OPTIONS, Network, SimNode } from './network/network.js';
export type { CallOptions, Reply, RequestHandler, ServeOptions } from './network/rpc.js';
export { Rpc } from './network/rpc.js';
export type {
  BooleanKnob,
  ChoiceKnob,
  Knob,
  KnobSpecs,
  KnobValues,
  NumberKnob,
} from './scenario/knobs.js';
export { resolveKnobs } from './scenario/knobs.js';
export {
  getScenario,
  listScenarios,
  registerScenario,
  ScenarioRegistry,
  scenarios,
} from './scenario/registry.js';
export type { VariantSetup } from './scenario/run-variants.js';
export { measures, row, runVariants } from './scenario/run-variants.js';
export type {
  Scenario,
  ScenarioProgress,
  ScenarioResult,
  ScenarioRunOptions,
  ScenarioSummary,
  SummaryRow,
  TraceResult,
} from './scenario/scenario.js';
export { defineScenario } from './scenario/scenario.js';
export type { BrownoutOptions, ServiceOptions, ServiceStats } from './service/service.js';
export { DEFAULT_BROWNOUT_OPTIONS, DEFAULT_SERVICE_OPTIONS, Service } from './service/service.js';
export type { WorldOptions } from './world.js';
export { World } from './world.js';
