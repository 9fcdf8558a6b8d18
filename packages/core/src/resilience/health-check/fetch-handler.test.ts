import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { createFetchHealthHandler } from './fetch-handler.js';
import { healthService } from './health-service.js';
import { HEALTH_CONTENT_TYPE } from './types.js';

describe('createFetchHealthHandler', () => {
  it('answers probes with health+json and maps fail to 503', async () => {
    const clock = new VirtualClock();
    const health = healthService({
      clock,
      version: '1',
      checks: [{ name: 'queue', critical: false, check: () => ({ status: 'fail', output: 'backlog' }) }],
    });
    const handle = createFetchHealthHandler(health);
    const ready = await handle(new Request('https://svc.example/readyz'));
    expect(ready.status).toBe(200);
    expect(ready.headers.get('content-type')).toBe(HEALTH_CONTENT_TYPE);
    expect(await ready.json()).toMatchObject({ status: 'warn', version: '1', output: 'queue: backlog' });

    health.beginShutdown();
    const draining = await handle(new Request('https://svc.example/readyz'));
    expect(draining.status).toBe(503);
    expect(await draining.json()).toEqual({
      status: 'fail',
      version: '1',
      output: 'shutting down',
      checks: {},
    });
    expect((await handle(new Request('https://svc.example/livez'))).status).toBe(200);
  });

  it('handles HEAD, refuses POST, 404s unknown paths and honours custom paths', async () => {
    const health = healthService({ clock: new VirtualClock() });
    const handle = createFetchHealthHandler(health, { paths: { liveness: '/healthz/live' } });
    const head = await handle(new Request('http://x/healthz/live', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await handle(new Request('http://x/healthz/live', { method: 'POST' }))).status).toBe(405);
    expect((await handle(new Request('http://x/livez'))).status).toBe(404);
    expect((await handle(new Request('http://x/startupz#frag'))).status).toBe(200);
  });

  it('rejects bad options by field', () => {
    const health = healthService({ clock: new VirtualClock() });
    expect(() => createFetchHealthHandler(health, { paths: { health: 'health' } })).toThrow(/paths\.health/);
  });
});
