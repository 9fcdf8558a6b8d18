import { describe, expect, it } from 'vitest';
import { main as circuitBreaker } from './circuit-breaker.js';
import { main as gracefulShutdown } from './graceful-shutdown.js';
import { main as httpServer } from './http-server.js';
import { main as probes } from './probes.js';

describe('health check examples', () => {
  it('probes: an outage fails readiness only, and the cache absorbs a probe burst', async () => {
    expect(await probes()).toEqual({
      before: 'warn',
      queriesAfterBurst: 1,
      duringOutage: {
        readiness: 'fail',
        liveness: 'pass',
        output: 'database:responseTime: connection refused; recommendations: upstream returns 500',
      },
    });
  });

  it('graceful shutdown: readiness turns 503 at once, the grace period runs on the clock', async () => {
    expect(await gracefulShutdown()).toEqual({
      beforeSigterm: { readyz: 200, livez: 200 },
      duringGrace: { readyz: 503, livez: 200 },
      body: { status: 'fail', output: 'shutting down', checks: {} },
      closedAt: 15_000,
      states: ['running', 'shutting-down'],
    });
  });

  it('http server: startup gates readiness, then health+json is served', async () => {
    expect(await httpServer()).toEqual({
      starting: { status: 503, output: 'starting up' },
      liveWhileStarting: 200,
      started: 200,
      ready: { status: 200, type: 'application/health+json', version: '1.4.0' },
      state: 'running',
    });
  });

  it('circuit breaker: an open circuit degrades to warn and keeps serving', async () => {
    expect(await circuitBreaker()).toEqual({
      closed: 'pass',
      open: {
        status: 'warn',
        http: 200,
        entry: {
          componentId: 'psp-eu',
          componentType: 'component',
          observedValue: 'open',
          status: 'warn',
          time: '1970-01-01T00:00:00.000Z',
          output: 'circuit open: calls are rejected',
        },
      },
    });
  });
});
