/**
 * @keel/core: every pattern and convention in one entry point. Each is also its own subpath
 * (`@keel/core/timeout`, `@keel/core/circuit-breaker`, ...); with `sideEffects: false`, a bundler
 * keeps only what is imported either way. Test scaffolding stays in `@keel/core/testing`.
 * @packageDocumentation
 */
export * from './clock/index.js';
export * from './coordination/distributed-lock/index.js';
export * from './coordination/leader-election/index.js';
export * from './coordination/service-discovery/index.js';
export * from './errors/index.js';
export * from './events/index.js';
export * from './options/index.js';
export * from './policy/index.js';
export * from './random/index.js';
export * from './resilience/bulkhead/index.js';
export * from './resilience/circuit-breaker/index.js';
export * from './resilience/fallback/index.js';
export * from './resilience/health-check/index.js';
export * from './resilience/hedging/index.js';
export * from './resilience/pipeline/index.js';
export * from './resilience/rate-limiter/index.js';
export * from './resilience/retry/index.js';
export * from './resilience/timeout/index.js';
export * from './scaling/auto-scaling/index.js';
export * from './scaling/caching/index.js';
export * from './scaling/load-balancing/index.js';
export * from './scaling/sharding/index.js';
export * from './signal/index.js';
