export * from './cache/index.js';
export * from './coordination/index.js';
export * from './coordination/redlock.js';
export type { RedisHealthCheckOptions, RedisPingable } from './health-check.js';
export { DEFAULT_REDIS_HEALTH_CHECK_OPTIONS, redisHealthCheck } from './health-check.js';
