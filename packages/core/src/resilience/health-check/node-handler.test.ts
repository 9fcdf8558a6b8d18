import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInvalidOptionError } from '../../errors/index.js';
import { healthService } from './health-service.js';
import { createNodeHealthHandler } from './node-handler.js';
import { HEALTH_CONTENT_TYPE } from './types.js';

let healthy = true;
const health = healthService({
  serviceId: 'node-test',
  defaults: { cacheMs: 0 },
  checks: [
    {
      name: 'db',
      check: () => (healthy ? { observedValue: 1, observedUnit: 'ms' } : { status: 'fail', output: 'down' }),
    },
    { name: 'loop', probes: ['liveness'], check: () => undefined },
  ],
});
const handler = createNodeHealthHandler(health);
const custom = createNodeHealthHandler(health, { paths: { readiness: '/ready', health: false } });

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url?.startsWith('/custom')) {
      request.url = request.url.slice('/custom'.length) || '/';
      void custom(request, response);
      return;
    }
    if (request.url?.startsWith('/app')) {
      void handler(request, response, () => {
        response.statusCode = 418;
        response.end('app');
      });
      return;
    }
    void handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  health.dispose();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

describe('createNodeHealthHandler on a real node:http server', () => {
  it('answers each probe path with application/health+json', async () => {
    healthy = true;
    const startup = await fetch(`${base}/startupz`);
    expect(startup.status).toBe(200);
    const ready = await fetch(`${base}/readyz?verbose=1`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('content-type')).toBe(HEALTH_CONTENT_TYPE);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    const body = await ready.json();
    expect(body).toMatchObject({ status: 'pass', serviceId: 'node-test' });
    expect(body.checks.db[0]).toMatchObject({ status: 'pass', observedValue: 1, observedUnit: 'ms' });
    const live = await (await fetch(`${base}/livez`)).json();
    expect(Object.keys(live.checks)).toEqual(['loop']);
    const full = await (await fetch(`${base}/health`)).json();
    expect(Object.keys(full.checks).sort()).toEqual(['db', 'loop']);
  });

  it('answers 503 when readiness fails, while liveness stays 200', async () => {
    healthy = false;
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'fail', output: 'db: down' });
    expect((await fetch(`${base}/livez`)).status).toBe(200);
    healthy = true;
  });

  it('supports HEAD, refuses other methods and 404s other paths', async () => {
    const head = await fetch(`${base}/livez`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${base}/livez`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/app/orders`)).status).toBe(418);
  });

  it('serves configured paths and leaves disabled ones alone', async () => {
    expect((await fetch(`${base}/custom/ready`)).status).toBe(200);
    expect((await fetch(`${base}/custom/readyz`)).status).toBe(404);
    expect((await fetch(`${base}/custom/health`)).status).toBe(404);
    expect((await fetch(`${base}/custom/livez`)).status).toBe(200);
  });

  it('answers 503 with a well-formed body when the service itself throws', async () => {
    const broken = { report: () => Promise.reject(new Error('boom')) } as never;
    const writes: { status?: number; headers: Record<string, string>; body?: string } = { headers: {} };
    const handled = await createNodeHealthHandler(broken)(
      { method: 'GET', url: '/readyz' },
      {
        set statusCode(value: number) {
          writes.status = value;
        },
        get statusCode() {
          return writes.status ?? 0;
        },
        setHeader: (name, value) => {
          writes.headers[name] = value;
        },
        end: (body) => {
          writes.body = body;
        },
      },
    );
    expect(handled).toBe(true);
    expect(writes.status).toBe(503);
    expect(JSON.parse(writes.body ?? '')).toEqual({ status: 'fail', output: 'boom', checks: {} });
  });

  it('names the bad path option', () => {
    const bad: [unknown, string][] = [
      [{ paths: { readiness: 'readyz' } }, 'paths.readiness'],
      [{ paths: { liveness: '' } }, 'paths.liveness'],
      [{ paths: { startup: '/livez' } }, 'paths.startup'],
      [{ paths: { alive: '/a' } }, 'paths.alive'],
      [{ paths: 'x' }, 'paths'],
      [{ path: '/x' }, 'options.path'],
    ];
    for (const [options, field] of bad) {
      let caught: unknown;
      try {
        createNodeHealthHandler(health, options as never);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidOptionError(caught) && caught.field).toBe(field);
    }
  });
});
