import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashKey, hashNumber, murmur3 } from './hash.js';

/** Byte-oriented MurmurHash3 x86_32, written from the reference algorithm, to check the fast path. */
function referenceMurmur3(bytes: Uint8Array, seed = 0): number {
  let h = seed >>> 0;
  const n = bytes.length;
  const tailStart = n - (n & 3);
  const scramble = (k: number): number => {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    return Math.imul(k, 0x1b873593);
  };
  for (let i = 0; i < tailStart; i += 4) {
    h ^= scramble(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let i = n - 1; i >= tailStart; i--) k = (k << 8) | bytes[i]!;
  if (n & 3) h ^= scramble(k);
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

describe('murmur3', () => {
  it('matches published test vectors', () => {
    expect(murmur3('')).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('hello')).toBe(613153351);
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
  });

  it('equals the byte-wise reference over the UTF-8 encoding of any string, any seed', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 0, max: 0xffffffff }), (text, seed) => {
        expect(murmur3(text, seed)).toBe(referenceMurmur3(encoder.encode(text), seed));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('hashNumber', () => {
  it('hashes safe integers as their eight little-endian bytes', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (value) => {
        const view = new DataView(new ArrayBuffer(8));
        view.setBigInt64(0, BigInt(value), true);
        expect(hashNumber(value)).toBe(referenceMurmur3(new Uint8Array(view.buffer)));
      }),
    );
  });

  it('hashes other numbers by their text', () => {
    expect(hashNumber(1.5)).toBe(murmur3('1.5'));
    expect(hashNumber(Number.POSITIVE_INFINITY)).toBe(murmur3('Infinity'));
  });

  it('hashKey dispatches on the key type', () => {
    expect(hashKey('7')).toBe(murmur3('7'));
    expect(hashKey(7)).toBe(hashNumber(7));
    expect(hashKey(7)).not.toBe(hashKey('7'));
  });
});
