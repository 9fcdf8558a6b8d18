/**
 * What a policy hands to the function it runs: one context travels outer-to-inner through a
 * pipeline, each policy deriving its own.
 *
 * `signal` is created on first read, so a function that never looks at it costs nothing; once
 * read it is fully wired: it aborts when the caller cancels, when a timeout fires or when a
 * hedge wins, and its `reason` says which.
 * @category Policy
 */
export interface ExecuteContext {
  /** Aborts when the work should stop; `reason` tells why. */
  readonly signal: AbortSignal;
  /** Absolute deadline on the policies' clock, `Infinity` when there is none. */
  readonly deadline: number;
  /** The attempt number, 1 for the first try (retry and hedging raise it). */
  readonly attempt: number;
}

/**
 * What a caller may pass to `execute`: a signal to cancel with and an absolute deadline.
 * @category Policy
 */
export interface ExecuteOptions {
  /** Cancels the whole execution; its reason is kept. */
  readonly signal?: AbortSignal;
  /** Absolute deadline on the policies' clock. @default Infinity */
  readonly deadline?: number;
}

/**
 * The function a policy runs.
 * @category Policy
 */
export type PolicyFunction<T> = (context: ExecuteContext) => T | PromiseLike<T>;

/**
 * Anything that runs a function under some protection: timeout, retry, circuit breaker,
 * bulkhead, rate limiter, hedging, fallback, or a pipeline of them.
 *
 * @example
 * ```ts
 * import type { Policy } from '@keel/core/policy';
 * async function callWith(policy: Policy): Promise<number> {
 *   return policy.execute(async ({ signal }) => (await fetch('https://example.com', { signal })).status);
 * }
 * ```
 * @category Policy
 */
export interface Policy {
  /**
   * Runs `fn` under this policy. `options` is either the caller's options or, inside a
   * pipeline, the context of the policy outside this one.
   */
  execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions | ExecuteContext): Promise<T>;
}
