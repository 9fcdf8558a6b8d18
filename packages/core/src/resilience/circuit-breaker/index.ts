export {
  type BreakDurationGenerator,
  DEFAULT_EXPONENTIAL_BREAK_DURATION_OPTIONS,
  type ExponentialBreakDurationOptions,
  exponentialBreakDuration,
} from './break-duration.js';
export {
  ConsecutiveFailures,
  consecutiveFailures,
  DEFAULT_CONSECUTIVE_FAILURES,
} from './breaker/consecutive.js';
export {
  CountWindow,
  type CountWindowOptions,
  countWindow,
  DEFAULT_COUNT_WINDOW_OPTIONS,
} from './breaker/count-window.js';
export {
  DEFAULT_TIME_WINDOW_OPTIONS,
  TimeWindow,
  type TimeWindowOptions,
  timeWindow,
} from './breaker/time-window.js';
export type { TripMetrics, TripPolicy, TripPolicySnapshot } from './breaker/trip-policy.js';
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  circuitBreaker,
  DEFAULT_CIRCUIT_BREAKER_OPTIONS,
  defaultHandleError,
} from './circuit-breaker.js';
export {
  BrokenCircuitError,
  IsolatedCircuitError,
  isBrokenCircuitError,
  isCircuitRejection,
  isIsolatedCircuitError,
} from './errors.js';
export type { Outcome } from './outcome.js';
export { type CircuitBreakerSnapshot, parseCircuitSnapshot } from './snapshot.js';
export type {
  BreakEvent,
  CircuitState,
  CircuitStateKind,
  ClosedState,
  FailureEvent,
  HalfOpenState,
  IsolatedState,
  OpenState,
  RejectEvent,
  StateChangeEvent,
  SuccessEvent,
  TransitionEvent,
  TransitionReason,
} from './state.js';
