import type { HealthService } from './health-service.js';
import type { HealthHandlerOptions } from './routes.js';
import { resolveRoutes, respond } from './routes.js';

/**
 * The part of a Node.js `IncomingMessage` the handler reads.
 * @category Health
 */
export interface NodeLikeRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
}

/**
 * The part of a Node.js `ServerResponse` the handler writes.
 * @category Health
 */
export interface NodeLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/**
 * A request listener for `node:http` (and frameworks that pass the raw request and response).
 * Resolves to true when it answered; for other paths it calls `next` when given, otherwise
 * answers 404.
 * @category Health
 */
export type NodeHealthHandler = (
  request: NodeLikeRequest,
  response: NodeLikeResponse,
  next?: () => void,
) => Promise<boolean>;

/**
 * Serves `/livez`, `/readyz`, `/startupz` and `/health` (configurable) from a
 * {@link HealthService} on a `node:http` server: `application/health+json`, 200 for pass and
 * warn, 503 for fail.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createNodeHealthHandler, healthService } from '@keel/core/health-check';
 * const handler = createNodeHealthHandler(healthService());
 * const server = createServer((req, res) => void handler(req, res));
 * server.listen(0);
 * server.close();
 * ```
 * @category Health
 */
export function createNodeHealthHandler(
  service: HealthService,
  options: HealthHandlerOptions = {},
): NodeHealthHandler {
  const routes = resolveRoutes(options);
  return async (request, response, next) => {
    const answer = await respond(service, routes, request.method, request.url ?? '/');
    if (answer === undefined) {
      if (next) {
        next();
        return false;
      }
      response.statusCode = 404;
      response.setHeader('content-type', 'text/plain');
      response.end('Not Found');
      return false;
    }
    response.statusCode = answer.status;
    for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
    response.end(answer.body);
    return true;
  };
}
