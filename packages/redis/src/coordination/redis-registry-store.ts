import { check, checkKnownKeys } from '@keel/core/options';
import type { RegistryStore, ServiceInstance } from '@keel/core/service-discovery';
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script.js';

// One key per instance (expiring on its own) and a set indexing the service's instances; the
// index is pruned lazily when a listed instance has expired. Each call is one EVALSHA.
const PUT = new LuaScript(
  `redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
return 1`,
  2,
);
const REMOVE = new LuaScript(
  `local existed = redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return existed`,
  2,
);
const LIST = new LuaScript(
  `local found = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local value = redis.call('GET', ARGV[1] .. id)
  if value then table.insert(found, value) else redis.call('SREM', KEYS[1], id) end
end
return found`,
  1,
);

/**
 * Options of {@link RedisRegistryStore}.
 * @category Coordination
 */
export interface RedisRegistryStoreOptions {
  /** Prefix of every key this store writes. @default 'keel:registry:' */
  readonly prefix?: string;
}

/**
 * Defaults of {@link RedisRegistryStoreOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_REDIS_REGISTRY_STORE_OPTIONS } from '@keel/redis';
 * console.log(DEFAULT_REDIS_REGISTRY_STORE_OPTIONS.prefix); // 'keel:registry:'
 * ```
 * @category Coordination
 */
export const DEFAULT_REDIS_REGISTRY_STORE_OPTIONS = Object.freeze({ prefix: 'keel:registry:' });

/**
 * A service-discovery store on Redis: each instance is a key that expires unless its
 * heartbeat rewrites it, indexed by a set per service; put, remove and list are one round trip
 * each, and expiry is judged by the Redis server.
 *
 * @example
 * ```ts
 * import { ServiceRegistry } from '@keel/core/service-discovery';
 * import { RedisRegistryStore } from '@keel/redis';
 * import { Redis } from 'ioredis';
 * const redis = new Redis();
 * const registry = new ServiceRegistry(new RedisRegistryStore(redis));
 * const registration = await registry.register({ service: 'api', id: 'api-1', address: '10.0.0.1', port: 80 });
 * await registration.deregister();
 * redis.disconnect();
 * ```
 * @category Coordination
 */
export class RedisRegistryStore implements RegistryStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    options: RedisRegistryStoreOptions = {},
  ) {
    checkKnownKeys('RedisRegistryStore', options, ['prefix']);
    this.prefix = check.string('prefix', options.prefix, DEFAULT_REDIS_REGISTRY_STORE_OPTIONS.prefix);
  }

  private base(service: string): string {
    return `${this.prefix}{${service}}:`;
  }

  async put(instance: ServiceInstance, ttlMs: number): Promise<void> {
    const base = this.base(instance.service);
    await PUT.run(this.redis, [
      `${base}i:${instance.id}`,
      `${base}index`,
      JSON.stringify(instance),
      Math.ceil(ttlMs),
      instance.id,
    ]);
  }

  async remove(service: string, id: string): Promise<boolean> {
    const base = this.base(service);
    return (await REMOVE.run(this.redis, [`${base}i:${id}`, `${base}index`, id])) === 1;
  }

  async list(service: string): Promise<ServiceInstance[]> {
    const base = this.base(service);
    const values = (await LIST.run(this.redis, [`${base}index`, `${base}i:`])) as string[];
    return values.map((value) => JSON.parse(value) as ServiceInstance);
  }
}
