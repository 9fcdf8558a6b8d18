import { LuaScript } from './lua-script.js';

// Owner-checked: a holder whose lease lapsed can never extend or free its successor's.

/** @internal `PEXPIRE KEYS[1] ARGV[2]` if the key still holds `ARGV[1]`; replies 1 when it did, else 0. */
export const EXTEND_IF_OWNER = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`,
  1,
);

/** @internal `DEL KEYS[1]` if the key still holds `ARGV[1]`; replies 1 when it did, else 0. */
export const DELETE_IF_OWNER = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  1,
);
