export type { AmqpHealthCheckOptions } from './health-check.js';
export { amqpHealthCheck, DEFAULT_AMQP_HEALTH_CHECK_OPTIONS } from './health-check.js';
