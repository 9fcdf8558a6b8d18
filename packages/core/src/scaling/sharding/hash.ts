/**
 * Fast, platform-independent 32-bit hashing of shard keys: MurmurHash3 (x86, 32-bit) over the
 * UTF-8 bytes of a string, computed straight from the UTF-16 code units with no encoder and no
 * allocation. Integers take a fast path that mixes their two 32-bit halves as eight bytes.
 */

/** A key that can be placed on a shard: a string (hashed as UTF-8) or a number. */
export type ShardKey = string | number;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixBlock(h: number, block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * The MurmurHash3 finaliser: spreads every input bit over the whole word. Also a good cheap mixer
 * for combining two hashes.
 * @example
 * ```ts
 * import { fmix32 } from '@keel/core/sharding';
 * console.log(fmix32(1) !== fmix32(2)); // true
 * ```
 * @category Sharding
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * MurmurHash3 x86 32-bit of the UTF-8 encoding of `text`, as an unsigned integer. Equal to the
 * reference implementation run over `new TextEncoder().encode(text)` (lone surrogates are encoded
 * as U+FFFD, as TextEncoder does).
 * @example
 * ```ts
 * import { murmur3 } from '@keel/core/sharding';
 * console.log(murmur3('hello')); // 613153351
 * ```
 * @category Sharding
 */
export function murmur3(text: string, seed = 0): number {
  let h = seed | 0;
  let block = 0; // bytes gathered so far, little-endian
  let filled = 0; // how many bytes `block` holds
  let length = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    // Emit one byte at a time into the 4-byte block; written out by hand to stay allocation-free.
    if (c < 0x80) {
      block |= c << (filled << 3);
      if (++filled === 4) {
        h = mixBlock(h, block);
        block = 0;
        filled = 0;
      }
      length++;
      continue;
    }
    let bytes: number;
    let count: number;
    if (c < 0x800) {
      bytes = 0xc0 | (c >>> 6) | ((0x80 | (c & 0x3f)) << 8);
      count = 2;
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          bytes =
            0xf0 |
            (c >>> 18) |
            ((0x80 | ((c >>> 12) & 0x3f)) << 8) |
            ((0x80 | ((c >>> 6) & 0x3f)) << 16) |
            ((0x80 | (c & 0x3f)) << 24);
          count = 4;
        } else {
          c = 0xfffd;
          bytes = 0xe0 | (c >>> 12) | ((0x80 | ((c >>> 6) & 0x3f)) << 8) | ((0x80 | (c & 0x3f)) << 16);
          count = 3;
        }
      } else {
        bytes = 0xe0 | (c >>> 12) | ((0x80 | ((c >>> 6) & 0x3f)) << 8) | ((0x80 | (c & 0x3f)) << 16);
        count = 3;
      }
    }
    for (let b = 0; b < count; b++) {
      block |= ((bytes >>> (b << 3)) & 0xff) << (filled << 3);
      if (++filled === 4) {
        h = mixBlock(h, block);
        block = 0;
        filled = 0;
      }
    }
    length += count;
  }
  if (filled > 0) {
    let k = Math.imul(block, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  return fmix32(h ^ length);
}

/**
 * MurmurHash3 x86 32-bit of an integer's eight little-endian bytes (two's complement, 64-bit):
 * no string conversion. Non-integers and numbers beyond 2^53 hash their decimal text instead.
 * @example
 * ```ts
 * import { hashNumber } from '@keel/core/sharding';
 * console.log(hashNumber(42) === hashNumber(42)); // true
 * ```
 * @category Sharding
 */
export function hashNumber(value: number, seed = 0): number {
  if (!Number.isSafeInteger(value)) return murmur3(String(value), seed);
  const low = value | 0;
  const high = Math.floor(value / 4294967296) | 0;
  let h = mixBlock(seed | 0, low);
  h = mixBlock(h, high);
  return fmix32(h ^ 8);
}

/**
 * Hashes a shard key to an unsigned 32-bit integer: strings through {@link murmur3}, numbers
 * through {@link hashNumber}. Every partitioner uses it, so a key lands on the same position
 * in every process and on every platform.
 * @example
 * ```ts
 * import { hashKey } from '@keel/core/sharding';
 * console.log(hashKey('user:42') === hashKey('user:42')); // true
 * ```
 * @category Sharding
 */
export function hashKey(key: ShardKey, seed = 0): number {
  return typeof key === 'number' ? hashNumber(key, seed) : murmur3(key, seed);
}
