/**
 * True when `value` is a promise of this realm's own `Promise`, the kind `await` adopts as it
 * is. For such a value `value.then(onValue, onError)` runs its handlers on exactly the
 * microtask turn an `await` would resume on, so a policy can replace an `async` wrapper by
 * `then` (cheaper: no suspended frame, no await closures) without moving any continuation.
 * Anything else (a plain value, a foreign thenable, a subclass) should keep going through
 * `await`, whose adoption steps take a different number of turns.
 * @example
 * ```ts
 * import { isNativePromise } from './native-promise.js';
 * console.log(isNativePromise(Promise.resolve(1)), isNativePromise({ then() {} })); // true false
 * ```
 */
export function isNativePromise<T>(value: T | PromiseLike<T>): value is Promise<T> {
  return value instanceof Promise && value.constructor === Promise && value.then === nativeThen;
}

const nativeThen = Promise.prototype.then;
