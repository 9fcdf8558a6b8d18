import type { HealthService } from './health-service.js';
import type { HealthHandlerOptions } from './routes.js';
import { resolveRoutes, respond } from './routes.js';

/**
 * A Fetch-style handler, as used by Deno, Bun, Cloudflare Workers, Hono and service workers.
 * @category Health
 */
export type FetchHealthHandler = (request: Request) => Promise<Response>;

/**
 * Serves the health paths from a {@link HealthService} as a Fetch-style handler; other paths
 * get 404. Uses the platform's `Response`.
 *
 * @example
 * ```ts
 * import { createFetchHealthHandler, healthService } from '@keel/core/health-check';
 * const handle = createFetchHealthHandler(healthService());
 * const response = await handle(new Request('http://localhost/livez'));
 * console.log(response.status); // 200
 * ```
 * @category Health
 */
export function createFetchHealthHandler(
  service: HealthService,
  options: HealthHandlerOptions = {},
): FetchHealthHandler {
  const routes = resolveRoutes(options);
  return async (request) => {
    const answer = await respond(service, routes, request.method, request.url);
    if (answer === undefined)
      return new globalThis.Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } });
    return new globalThis.Response(answer.body ?? null, { status: answer.status, headers: answer.headers });
  };
}
