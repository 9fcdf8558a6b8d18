export * from './coordination/index.js';
export type { NatsHealthCheckOptions } from './health-check.js';
export { DEFAULT_NATS_HEALTH_CHECK_OPTIONS, natsHealthCheck } from './health-check.js';
