import { describe, expect, it } from 'vitest';
import { isNativePromise } from './native-promise.js';

describe('isNativePromise', () => {
  it('accepts promises of the built-in Promise', () => {
    const settled = Promise.resolve(1);
    const rejected = Promise.reject(new Error('x'));
    rejected.catch(() => undefined);
    expect(isNativePromise(settled)).toBe(true);
    expect(isNativePromise(rejected)).toBe(true);
    expect(isNativePromise((async () => 2)())).toBe(true);
  });

  it('rejects plain values, thenables, subclasses and promises with their own then', () => {
    class Sub<T> extends Promise<T> {}
    const patched = Promise.resolve(3);
    // biome-ignore lint/suspicious/noThenProperty: the test needs a promise whose then is replaced
    (patched as { then: unknown }).then = () => undefined;
    expect(isNativePromise(undefined)).toBe(false);
    expect(isNativePromise(42)).toBe(false);
    // biome-ignore lint/suspicious/noThenProperty: the test needs a foreign thenable
    const thenable = { then: (onValue: (value: number) => unknown) => onValue(1) };
    expect(isNativePromise(thenable as unknown as PromiseLike<number>)).toBe(false);
    expect(isNativePromise(Sub.resolve(1))).toBe(false);
    expect(isNativePromise(patched)).toBe(false);
  });
});
