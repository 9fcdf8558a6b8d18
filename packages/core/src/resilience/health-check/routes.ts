import { InvalidOptionError } from '../../errors/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import type { HealthService, ReportKind } from './health-service.js';
import type { HealthReport } from './types.js';
import { HEALTH_CONTENT_TYPE, httpStatusFor } from './types.js';

/**
 * URL paths answered by the HTTP handlers; a path set to `false` is not served.
 * @category Health
 */
export interface HealthPaths {
  /** @default '/livez' */
  readonly liveness?: string | false;
  /** @default '/readyz' */
  readonly readiness?: string | false;
  /** @default '/startupz' */
  readonly startup?: string | false;
  /** @default '/health' */
  readonly health?: string | false;
}

/**
 * Options of the HTTP handlers.
 * @category Health
 */
export interface HealthHandlerOptions {
  /** Which path answers which probe. @default DEFAULT_HEALTH_PATHS */
  readonly paths?: HealthPaths;
}

/**
 * The default probe paths, following the Kubernetes API server's own naming.
 *
 * @example
 * ```ts
 * import { DEFAULT_HEALTH_PATHS } from '@keel/core/health-check';
 * console.log(DEFAULT_HEALTH_PATHS.liveness, DEFAULT_HEALTH_PATHS.readiness); // /livez /readyz
 * ```
 * @category Health
 */
export const DEFAULT_HEALTH_PATHS = {
  liveness: '/livez',
  readiness: '/readyz',
  startup: '/startupz',
  health: '/health',
} as const satisfies Record<ReportKind, string>;

const KINDS = ['liveness', 'readiness', 'startup', 'health'] as const satisfies readonly ReportKind[];

/** A response ready to be written by either handler. */
export interface HealthResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/** @internal Validates handler options and returns a path-to-kind map. */
export function resolveRoutes(options: HealthHandlerOptions | undefined): ReadonlyMap<string, ReportKind> {
  check.object('options', options);
  checkKnownKeys('options', options, ['paths']);
  const paths = check.object<HealthPaths>('paths', options?.paths) ?? {};
  checkKnownKeys('paths', paths, KINDS);
  const routes = new Map<string, ReportKind>();
  for (const kind of KINDS) {
    const value = paths[kind];
    if (value === false) continue;
    const path = check.string(`paths.${kind}`, value, DEFAULT_HEALTH_PATHS[kind]);
    if (!path.startsWith('/'))
      throw new InvalidOptionError(`paths.${kind}`, path, 'a path starting with "/"');
    if (routes.has(path)) throw new InvalidOptionError(`paths.${kind}`, path, 'a path no other probe uses');
    routes.set(path, kind);
  }
  return routes;
}

/** @internal The path part of a request target or absolute URL. */
export function pathOf(target: string): string {
  let path = target;
  const scheme = path.indexOf('://');
  if (scheme >= 0) {
    const slash = path.indexOf('/', scheme + 3);
    path = slash >= 0 ? path.slice(slash) : '/';
  }
  const query = path.search(/[?#]/);
  return query >= 0 ? path.slice(0, query) : path;
}

const JSON_HEADERS = { 'content-type': HEALTH_CONTENT_TYPE, 'cache-control': 'no-store' } as const;

/**
 * @internal Answers one request: `undefined` when the path is not a health path, otherwise the
 * response (405 for methods other than GET and HEAD).
 */
export async function respond(
  service: HealthService,
  routes: ReadonlyMap<string, ReportKind>,
  method: string | undefined,
  target: string,
): Promise<HealthResponse | undefined> {
  const kind = routes.get(pathOf(target));
  if (kind === undefined) return undefined;
  const verb = (method ?? 'GET').toUpperCase();
  if (verb !== 'GET' && verb !== 'HEAD')
    return {
      status: 405,
      headers: { allow: 'GET, HEAD', 'content-type': 'text/plain' },
      body: 'Method Not Allowed',
    };
  let report: HealthReport;
  try {
    report = await service.report(kind);
  } catch (error) {
    // A bug in the service itself must still produce a well-formed failure.
    report = { status: 'fail', output: error instanceof Error ? error.message : String(error), checks: {} };
  }
  return {
    status: httpStatusFor(report),
    headers: JSON_HEADERS,
    body: verb === 'HEAD' ? undefined : JSON.stringify(report),
  };
}
