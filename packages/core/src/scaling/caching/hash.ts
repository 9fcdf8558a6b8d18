import { fmix32 } from '../sharding/hash.js';

// Key hashing for the frequency sketch and the ghost queue. The hash is computed once per key
// (on a miss or an insert) and kept beside the entry, so hits never hash again.

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
const float = new Float64Array(1);
const floatWords = new Uint32Array(float.buffer);

/**
 * An FNV-1a-style hash of `text` taking two UTF-16 code units per multiply (with the length
 * folded in, so that `"ab"` and `"ab\0"` differ): half the dependent multiplies of plain FNV-1a,
 * which is what a short key's hash costs, and no allocation. Its low bits are weak, which is why
 * the sketch mixes the result again ({@link mix32}) before indexing.
 *
 * @example
 * ```ts
 * import { hashString } from '@keel/core/caching';
 * console.log(hashString('user:42') === hashString('user:42'));
 * ```
 */
export function hashString(text: string): number {
  const length = text.length;
  let hash = 0x811c9dc5 ^ length;
  let i = 0;
  for (; i + 1 < length; i += 2)
    hash = Math.imul(hash ^ (text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)), 0x01000193);
  if (i < length) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash | 0;
}

/**
 * A 32-bit hash of any cache key: strings by {@link hashString}, small integers as themselves,
 * other numbers by their IEEE-754 bits, objects by identity (a counter kept in a WeakMap).
 *
 * @example
 * ```ts
 * import { hashCacheKey } from '@keel/core/caching';
 * console.log(hashCacheKey(42), hashCacheKey('42') === hashCacheKey('42'));
 * ```
 */
export function hashCacheKey(key: unknown): number {
  switch (typeof key) {
    case 'string':
      return hashString(key);
    case 'number':
      if ((key | 0) === key) return key;
      float[0] = key;
      return (floatWords[0]! ^ Math.imul(floatWords[1]!, 0x9e3779b1)) | 0;
    case 'object':
    case 'function': {
      if (key === null) return 0x6e756c6c;
      let id = objectIds.get(key);
      if (id === undefined) {
        id = nextObjectId++;
        objectIds.set(key, id);
      }
      return Math.imul(id, 0x9e3779b1) | 0;
    }
    case 'bigint':
      return hashString(key.toString(16));
    case 'boolean':
      return key ? 0x74727565 : 0x66616c73;
    case 'undefined':
      return 0x756e6466;
    default:
      return hashString(String(key));
  }
}

/**
 * The MurmurHash3 finaliser (shared with sharding's {@link fmix32}) as a signed 32-bit integer,
 * the form the sketch and the policy nodes store.
 *
 * @example
 * ```ts
 * import { mix32 } from '@keel/core/caching';
 * console.log(mix32(1) !== mix32(2));
 * ```
 */
export function mix32(hash: number): number {
  return fmix32(hash) | 0;
}
