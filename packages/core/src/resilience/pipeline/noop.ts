import {
  contextFrom,
  type ExecuteContext,
  type ExecuteOptions,
  type Policy,
  type PolicyFunction,
} from '../../policy/index.js';

/**
 * A policy that adds nothing: it runs the function once with the context it was given (or a
 * root context built from the caller's options). Handy as a placeholder where a policy is
 * optional, and what an empty pipeline behaves like.
 *
 * @example
 * ```ts
 * import { noopPolicy } from '@keel/core/pipeline';
 * const value = await noopPolicy.execute(({ attempt }) => attempt); // 1
 * console.log(value);
 * ```
 * @category Resilience
 */
export const noopPolicy: Policy = Object.freeze({
  execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions | ExecuteContext): Promise<T> {
    return runDirect(fn, contextFrom(options));
  },
});

/**
 * Runs `fn` once with `context` and always returns a promise: a synchronous throw becomes a
 * rejection, and a native promise is returned as is (no extra tick).
 * @internal
 */
export function runDirect<T>(fn: PolicyFunction<T>, context: ExecuteContext): Promise<T> {
  try {
    return Promise.resolve(fn(context));
  } catch (error) {
    return Promise.reject(error);
  }
}
