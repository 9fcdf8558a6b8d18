import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../errors/index.js';
import { isStaleFencingTokenError } from './errors.js';
import { FencedStore } from './fenced-store.js';

describe('FencedStore', () => {
  it('accepts newer and equal tokens and refuses older ones', () => {
    const store = new FencedStore<number>();
    store.write('k', 2n, 1);
    store.write('k', 2n, 2);
    store.write('k', 5n, 3);
    expect(() => store.write('k', 4n, 4)).toThrow(expect.objectContaining({ highestToken: 5n }));
    expect(store.read('k')).toEqual({ value: 3, token: 5n });
    expect(store.stats).toEqual({ accepted: 3, rejected: 1 });
  });

  it('fences read-modify-write updates and keys separately', () => {
    const store = new FencedStore<number>();
    expect(store.update('a', 1n, (v) => (v ?? 0) + 1)).toBe(1);
    expect(store.update('b', 9n, (v) => (v ?? 0) + 10)).toBe(10);
    expect(store.update('a', 3n, (v) => (v ?? 0) + 1)).toBe(2);
    let error: unknown;
    try {
      store.update('a', 2n, () => 100);
    } catch (e) {
      error = e;
    }
    expect(isStaleFencingTokenError(error)).toBe(true);
    expect(store.read('a')?.value).toBe(2);
    expect(store.highestToken('b')).toBe(9n);
    expect(store.highestToken('none')).toBe(0n);
  });
});

describe('FencedStore token checks', () => {
  it('refuses a write or update without a bigint token, even after newer writes', () => {
    const store = new FencedStore<number>();
    store.write('k', 5n, 1);
    for (const bad of [undefined, 7, '9', null]) {
      expect(() => store.write('k', bad as unknown as bigint, 2)).toThrow(InvalidOptionError);
      expect(() => store.update('k', bad as unknown as bigint, () => 3)).toThrow(InvalidOptionError);
    }
    expect(store.read('k')).toEqual({ value: 1, token: 5n });
  });
});
