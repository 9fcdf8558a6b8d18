import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const asIs = (reply: unknown): unknown => reply;

/**
 * A Lua script run by its SHA-1 (`EVALSHA`): one round trip once the server has it cached.
 * Only after a `NOSCRIPT` reply (a restarted or flushed server) is the source sent with
 * `EVAL`, which also caches it again.
 * @internal
 */
export class LuaScript {
  readonly sha: string;

  constructor(
    readonly source: string,
    readonly keyCount: number,
    sha?: string,
  ) {
    this.sha = sha ?? createHash('sha1').update(source).digest('hex');
  }

  /**
   * Runs the script and maps its reply with `map`. The reply is mapped in the same reaction that
   * receives it (no async wrapper, no further promise in between): on the lock's hot path every
   * extra promise hop is time a caller waits.
   */
  run<T = unknown>(
    redis: Redis,
    args: readonly (string | number)[],
    map: (reply: unknown) => T = asIs as (reply: unknown) => T,
  ): Promise<T> {
    return redis
      .evalsha(this.sha, this.keyCount, ...args)
      .then(map, (error: unknown) => this.evalAfterNoScript(error, redis, args).then(map));
  }

  private evalAfterNoScript(
    error: unknown,
    redis: Redis,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) return Promise.reject(error);
    return redis.eval(this.source, this.keyCount, ...args);
  }
}
