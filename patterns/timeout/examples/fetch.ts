/**
 * A real HTTP call under a timeout: the signal goes to fetch, so reaching the limit aborts the
 * request and closes its connection. A local server that answers slowly stands in for a remote one.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTimeoutError, timeout } from '@keel/core/timeout';

export async function main() {
  const server = createServer((req, res) => {
    // Answers /fast at once and /slow never.
    if (req.url === '/fast') res.end('hello');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  // Generous enough for a local answer on a busy machine, short enough to keep the example quick.
  const policy = timeout(750);
  const get = (path: string) =>
    policy
      .execute(async ({ signal }) => (await fetch(`http://127.0.0.1:${port}${path}`, { signal })).text())
      .catch((error: unknown) => (isTimeoutError(error) ? 'timeout' : 'error'));

  try {
    return { fast: await get('/fast'), slow: await get('/slow') };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
