export type { CheckOutcome } from './check-runner.js';
export type { CircuitBreakerHealthCheckOptions, CircuitStateSource } from './circuit-breaker-check.js';
export {
  circuitBreakerHealthCheck,
  DEFAULT_CIRCUIT_BREAKER_HEALTH_CHECK_OPTIONS,
} from './circuit-breaker-check.js';
export type { FetchHealthHandler } from './fetch-handler.js';
export { createFetchHealthHandler } from './fetch-handler.js';
export type { CheckFunction, HealthCheck, HealthCheckOptions } from './health-check.js';
export { DEFAULT_HEALTH_CHECK_OPTIONS, takeHealthCheckOptions } from './health-check.js';
export type {
  CheckCompleted,
  DrainOptions,
  HealthServiceOptions,
  HealthState,
  HealthStateChange,
  ReportKind,
} from './health-service.js';
export { DEFAULT_HEALTH_SERVICE_OPTIONS, HealthService, healthService } from './health-service.js';
export type { NodeHealthHandler, NodeLikeRequest, NodeLikeResponse } from './node-handler.js';
export { createNodeHealthHandler } from './node-handler.js';
export type { ResponseTimeCheckParts } from './response-time-check.js';
export { elapsedMs, responseTimeCheck } from './response-time-check.js';
export type { HealthHandlerOptions, HealthPaths } from './routes.js';
export { DEFAULT_HEALTH_PATHS } from './routes.js';
export type {
  CheckResult,
  ComponentDetail,
  HealthReport,
  HealthStatus,
  HealthStatusInput,
  Measurement,
  ProbeKind,
} from './types.js';
export {
  HEALTH_CONTENT_TYPE,
  httpStatusFor,
  normalizeStatus,
  PROBE_KINDS,
  worstStatus,
} from './types.js';
