export * from './coordination/index.js';
export type { EtcdHealthCheckOptions, EtcdStatusSource } from './health-check.js';
export { DEFAULT_ETCD_HEALTH_CHECK_OPTIONS, etcdHealthCheck } from './health-check.js';
