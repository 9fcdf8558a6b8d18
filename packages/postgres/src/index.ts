export * from './coordination/index.js';
export type { PostgresHealthCheckOptions, PostgresQueryable } from './health-check.js';
export { DEFAULT_POSTGRES_HEALTH_CHECK_OPTIONS, postgresHealthCheck } from './health-check.js';
export * from './sharding/index.js';
