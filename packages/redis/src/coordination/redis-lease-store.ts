import type { LeaseHolder, LeaseStore } from '@keel/core/distributed-lock';
import { check, checkKnownKeys } from '@keel/core/options';
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script.js';
import { DELETE_IF_OWNER, EXTEND_IF_OWNER } from './owner-checked-scripts.js';

// Take the key only if free, and draw its fencing token from a counter beside it, atomically:
// one round trip, and a token that grows with every grant even across releases and expiry.
const ACQUIRE = new LuaScript(
  `if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
return tostring(redis.call('INCR', KEYS[2]))`,
  2,
);

/** The acquire script's reply: the token as a decimal string (exact beyond 2^53), or null when held. */
const tokenOf = (reply: unknown): bigint | undefined =>
  reply === null ? undefined : BigInt(reply as string);
const isOne = (reply: unknown): boolean => reply === 1;

/**
 * Options of {@link RedisLeaseStore}.
 * @category Coordination
 */
export interface RedisLeaseStoreOptions {
  /** Prefix of every key this store writes. @default 'keel:lock:' */
  readonly prefix?: string;
}

/**
 * Defaults of {@link RedisLeaseStoreOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_REDIS_LEASE_STORE_OPTIONS } from '@keel/redis';
 * console.log(DEFAULT_REDIS_LEASE_STORE_OPTIONS.prefix); // 'keel:lock:'
 * ```
 * @category Coordination
 */
export const DEFAULT_REDIS_LEASE_STORE_OPTIONS = Object.freeze({ prefix: 'keel:lock:' });

/**
 * A lease store on one Redis server: `SET key owner NX PX ttl` and `INCR` of the key's fencing
 * counter in one Lua script, so an acquisition, an extension and a release are each exactly
 * one round trip (`EVALSHA`). The lock key is `<prefix>{<key>}` and its counter
 * `<prefix>{<key>}:fence` (one hash slot, so it also works on a cluster); the counter never
 * expires, so tokens never repeat. Expiry is decided by the Redis server's clock.
 *
 * A single Redis is an *efficiency* lock unless the protected resource checks the fencing
 * token: a failover to a replica that missed the write can grant the lock twice (the token
 * may then repeat too). Use PostgreSQL or etcd where correctness depends on the lock.
 *
 * @example
 * ```ts
 * import { LeaseLockProvider } from '@keel/core/distributed-lock';
 * import { RedisLeaseStore } from '@keel/redis';
 * import { Redis } from 'ioredis';
 * const redis = new Redis();
 * const locks = new LeaseLockProvider(new RedisLeaseStore(redis));
 * await locks.withLock('report:2024', async (lock) => console.log(lock.token), { ttlMs: 10_000 });
 * redis.disconnect();
 * ```
 * @category Coordination
 */
export class RedisLeaseStore implements LeaseStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    options: RedisLeaseStoreOptions = {},
  ) {
    checkKnownKeys('RedisLeaseStore', options, ['prefix']);
    this.prefix = check.string('prefix', options.prefix, DEFAULT_REDIS_LEASE_STORE_OPTIONS.prefix);
  }

  /** The Redis key holding the lease of `key`. */
  keyOf(key: string): string {
    return `${this.prefix}{${key}}`;
  }

  // Not async: each returns the script's own promise, its reply mapped in place, so a call
  // costs the caller no promise hop beyond the round trip.
  tryAcquire(key: string, owner: string, ttlMs: number): Promise<bigint | undefined> {
    const lockKey = this.keyOf(key);
    return ACQUIRE.run(this.redis, [lockKey, `${lockKey}:fence`, owner, Math.ceil(ttlMs)], tokenOf);
  }

  extend(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return EXTEND_IF_OWNER.run(this.redis, [this.keyOf(key), owner, Math.ceil(ttlMs)], isOne);
  }

  release(key: string, owner: string): Promise<boolean> {
    return DELETE_IF_OWNER.run(this.redis, [this.keyOf(key), owner], isOne);
  }

  async holder(key: string): Promise<LeaseHolder | undefined> {
    const lockKey = this.keyOf(key);
    const [owner, fence] = await this.redis.mget(lockKey, `${lockKey}:fence`);
    return owner == null || fence == null ? undefined : { owner, token: BigInt(fence) };
  }
}
