import { InvalidOptionError } from '../../errors/index.js';
import {
  contextFrom,
  type ExecuteContext,
  type ExecuteOptions,
  type Policy,
  type PolicyFunction,
} from '../../policy/index.js';
import { noopPolicy, runDirect } from './noop.js';

/** Runs `fn` through the layers from one index inward, starting from `context`. */
type Runner = <T>(fn: PolicyFunction<T>, context: ExecuteContext) => Promise<T>;

/**
 * Policies composed outer-to-inner into one policy. Build one with {@link pipeline} (or its
 * alias {@link wrap}) or {@link pipelineBuilder}.
 *
 * One context travels through the layers: each policy receives the context its outer neighbour
 * handed to its function, so an attempt number set by a retry, a deadline shortened by a
 * timeout or an abort from a hedge is visible to every policy inside and to the function. The
 * pipeline itself never reads a signal, so a call whose function ignores `signal` creates no
 * `AbortController` on the pipeline's account.
 *
 * @example
 * ```ts
 * import { Pipeline, noopPolicy } from '@keel/core/pipeline';
 * const composed = new Pipeline([noopPolicy, noopPolicy]);
 * console.log(composed.policies.length, await composed.execute(() => 'done'));
 * ```
 * @category Resilience
 */
export class Pipeline implements Policy {
  /** The layers, outermost first, with nested pipelines flattened and no-op layers removed. */
  readonly policies: readonly Policy[];
  private readonly run: Runner;

  constructor(policies: readonly Policy[]) {
    const flat: Policy[] = [];
    for (let i = 0; i < policies.length; i++) flatten(policies[i]!, `policies[${i}]`, flat);
    this.policies = Object.freeze(flat);
    this.run = chain(flat, 0);
  }

  /**
   * Runs `fn` through every layer, outermost first. Errors and values pass through unchanged
   * unless a layer changes them.
   */
  execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions | ExecuteContext): Promise<T> {
    try {
      return this.run(fn, contextFrom(options));
    } catch (error) {
      // A hand-written policy may throw instead of rejecting; callers still get a promise.
      return Promise.reject(error);
    }
  }
}

function flatten(policy: Policy, field: string, into: Policy[]): void {
  if (policy instanceof Pipeline) {
    into.push(...policy.policies);
    return;
  }
  if (policy === noopPolicy) return;
  if (typeof policy !== 'object' || policy === null || typeof policy.execute !== 'function')
    throw new InvalidOptionError(field, policy, 'a policy (an object with an execute method)');
  into.push(policy);
}

/**
 * Precomputes the runner of each layer once, at construction: a call then costs one small
 * closure per inner layer (the function handed to the outer policy) and nothing else.
 */
function chain(policies: readonly Policy[], index: number): Runner {
  if (index >= policies.length) return runDirect;
  const policy = policies[index]!;
  if (index === policies.length - 1) return (fn, context) => policy.execute(fn, context);
  const next = chain(policies, index + 1);
  return (fn, context) => policy.execute((inner) => next(fn, inner), context);
}

/**
 * Composes `policies` into one: the first is the outermost (it sees what every inner policy
 * produced), the last is the innermost (closest to the function). Nested pipelines are
 * flattened; with no policies the result just runs the function.
 *
 * @example
 * ```ts
 * import { pipeline, noopPolicy } from '@keel/core/pipeline';
 * // Typical order: pipeline(fallbackPolicy, retryPolicy, breakerPolicy, timeoutPolicy)
 * const policy = pipeline(noopPolicy);
 * const status = await policy.execute(async ({ signal }) => (await fetch('https://example.com', { signal })).status);
 * console.log(status);
 * ```
 * @category Resilience
 */
export function pipeline(...policies: readonly Policy[]): Pipeline {
  return new Pipeline(policies);
}

/**
 * Alias of {@link pipeline}, under the name other resilience libraries use.
 *
 * @example
 * ```ts
 * import { wrap, noopPolicy } from '@keel/core/pipeline';
 * const policy = wrap(noopPolicy, noopPolicy);
 * console.log(await policy.execute(() => 42));
 * ```
 * @category Resilience
 */
export const wrap: (...policies: readonly Policy[]) => Pipeline = pipeline;
