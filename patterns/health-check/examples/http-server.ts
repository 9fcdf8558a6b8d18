/**
 * A real node:http server answering /livez, /readyz and /startupz. The startup check holds
 * readiness back until the cache is warm; the client reads application/health+json documents.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeHealthHandler, healthService } from '@keel/core/health-check';

export async function main() {
  let warm = false;
  const health = healthService({
    version: '1.4.0',
    checks: [
      {
        name: 'cache',
        measurement: 'warm',
        probes: ['startup'],
        cacheMs: 0,
        check: () => (warm ? { observedValue: true } : { status: 'fail', output: 'still loading' }),
      },
    ],
  });
  const handler = createNodeHealthHandler(health);
  const server = createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  try {
    const get = async (path: string) => {
      const response = await fetch(base + path);
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        body: await response.json(),
      };
    };
    const starting = await get('/readyz');
    const liveWhileStarting = await get('/livez');
    warm = true;
    const started = await get('/startupz');
    const ready = await get('/readyz');
    return {
      starting: { status: starting.status, output: starting.body.output },
      liveWhileStarting: liveWhileStarting.status,
      started: started.status,
      ready: { status: ready.status, type: ready.type, version: ready.body.version },
      state: health.state.kind,
    };
  } finally {
    health.dispose();
    await new Promise((resolve) => server.close(resolve));
  }
}
