import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run by its SHA-1 (`EVALSHA`): one round trip once the server has it cached.
 * Only after a `NOSCRIPT` reply (a restarted or flushed server) is the source sent with
 * `EVAL`, which also caches it again.
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

  async run(redis: Redis, args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, this.keyCount, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, this.keyCount, ...args);
    }
  }
}
