/**
 * The outcome of probing a service that a test suite needs.
 * @category Testing
 */
export interface ServiceAvailability {
  readonly name: string;
  readonly available: boolean;
  /** Why the probe failed, when it did. */
  readonly reason?: string;
}

function env(name: string): string | undefined {
  const processLike = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return processLike?.env?.[name];
}

/**
 * True when the environment demands that every service-backed test run (`KEEL_REQUIRE_SERVICES=1`,
 * set by CI): a missing service is then a failure, never a skip.
 *
 * @example
 * ```ts
 * import { probeService, servicesRequired } from '@keel/core/testing';
 * const redis = await probeService('redis', async () => {
 *   // connect and PING here; throw if it fails
 * });
 * if (!redis.available && servicesRequired()) throw new Error('redis is required in CI');
 * console.log(redis.available ? 'running the redis tests' : 'skipping the redis tests');
 * ```
 * @category Testing
 */
export function servicesRequired(): boolean {
  const value = env('KEEL_REQUIRE_SERVICES');
  return value === '1' || value === 'true';
}

/**
 * Probes a service before a suite runs. When the probe fails it warns loudly and returns
 * `available: false` so the suite can skip, unless {@link servicesRequired}, in which case it
 * throws and the suite fails.
 *
 * @example
 * ```ts
 * import { probeService } from '@keel/core/testing';
 * const redis = await probeService('redis', async () => {
 *   // connect and PING here; throw if it fails
 * });
 * console.log(redis.available);
 * ```
 * @category Testing
 */
export async function probeService(
  name: string,
  probe: () => Promise<unknown>,
  timeoutMs = 3_000,
): Promise<ServiceAvailability> {
  let timer: ReturnType<typeof globalThis.setTimeout> | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = globalThis.setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { name, available: true };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (servicesRequired()) {
      throw new Error(`Service "${name}" is required (KEEL_REQUIRE_SERVICES=1) but unavailable: ${reason}`);
    }
    console.warn(
      `\n*** SKIPPING tests that need ${name}: ${reason}\n*** Set KEEL_REQUIRE_SERVICES=1 to make this a failure.\n`,
    );
    return { name, available: false, reason };
  } finally {
    if (timer !== undefined) globalThis.clearTimeout(timer);
  }
}
