import { type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import {
  contextFrom,
  type ExecuteContext,
  type ExecuteOptions,
  type Policy,
  type PolicyFunction,
} from '../../policy/index.js';

/**
 * What the protected function produced, as handed to a fallback handler: an error it threw
 * (or rejected with), or a value it returned that `handleResult` flagged.
 * @example
 * ```ts
 * import type { FallbackOutcome } from '@keel/core/fallback';
 * const describe = (outcome: FallbackOutcome) =>
 *   outcome.kind === 'error' ? `failed: ${String(outcome.error)}` : `rejected result: ${String(outcome.value)}`;
 * console.log(describe({ kind: 'result', value: null }));
 * ```
 * @category Resilience
 */
export type FallbackOutcome =
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'result'; readonly value: unknown };

/**
 * Produces the replacement value from the outcome and the context the fallback ran in (its
 * `signal` and `deadline` still apply). May be synchronous or asynchronous; if it throws, that
 * error is what the caller gets.
 * @example
 * ```ts
 * import { fallback, type FallbackHandler } from '@keel/core/fallback';
 * const lastKnown = new Map<string, number>([['EUR', 1.08]]);
 * const fromCache: FallbackHandler<number> = (outcome) => {
 *   const rate = lastKnown.get('EUR');
 *   if (rate === undefined) throw outcome.kind === 'error' ? outcome.error : new Error('no rate');
 *   return rate;
 * };
 * console.log(typeof fallback(fromCache).execute);
 * ```
 * @category Resilience
 */
export type FallbackHandler<R> = (outcome: FallbackOutcome, context: ExecuteContext) => R | PromiseLike<R>;

/**
 * Options of {@link fallback}.
 * @example
 * ```ts
 * import { fallback, type FallbackOptions } from '@keel/core/fallback';
 * const options: FallbackOptions = {
 *   handleError: (error) => error instanceof Error && error.name === 'TimeoutError',
 *   handleResult: (value) => value === undefined,
 * };
 * console.log(typeof fallback('n/a', options).execute);
 * ```
 * @category Resilience
 */
export interface FallbackOptions {
  /**
   * Which errors the fallback replaces. An error raised after the caller's own signal aborted
   * is never passed here unless `handleCallerAbort` is set.
   * @default every error
   */
  readonly handleError?: (error: unknown) => boolean;
  /**
   * Which successful results count as failures to replace (a sentinel, an HTTP 503, …).
   * @default none
   */
  readonly handleResult?: (value: unknown) => boolean;
  /**
   * Whether an error raised while the caller's signal is aborted may be replaced too. Off by
   * default: a caller that cancelled wants the cancellation, not a made-up answer.
   * @default false
   */
  readonly handleCallerAbort?: boolean;
}

/**
 * Defaults of {@link FallbackOptions}.
 * @example
 * ```ts
 * import { DEFAULT_FALLBACK_OPTIONS } from '@keel/core/fallback';
 * console.log(DEFAULT_FALLBACK_OPTIONS.handleCallerAbort); // false
 * ```
 * @category Resilience
 */
export const DEFAULT_FALLBACK_OPTIONS = Object.freeze({
  handleError: (_error: unknown): boolean => true,
  handleResult: undefined as ((value: unknown) => boolean) | undefined,
  handleCallerAbort: false,
});

const KNOWN_OPTIONS = ['handleError', 'handleResult', 'handleCallerAbort'] as const;

/**
 * Emitted each time the fallback replaces an outcome, before the handler runs.
 * @example
 * ```ts
 * import { fallback, type FallbackEvent } from '@keel/core/fallback';
 * const report = ({ outcome, attempt }: FallbackEvent) => console.warn(`fallback (${outcome.kind}) on attempt ${attempt}`);
 * fallback(0).onFallback(report);
 * ```
 * @category Resilience
 */
export interface FallbackEvent {
  /** What was replaced. */
  readonly outcome: FallbackOutcome;
  /** The attempt number of the context the fallback ran in. */
  readonly attempt: number;
}

/**
 * The policy made by {@link fallback}.
 *
 * Its `execute` is typed like every policy's (it resolves to the function's type); the
 * replacement value is expected to fit that type, which the compiler cannot check across a
 * pipeline, so give the handler the function's result type.
 *
 * @example
 * ```ts
 * import { fallback } from '@keel/core/fallback';
 * const cached = fallback<string[]>(() => []);
 * cached.onFallback(({ outcome }) => console.warn('served the fallback', outcome.kind));
 * const items = await cached.execute<string[]>(async () => { throw new Error('down'); });
 * console.log(items); // []
 * ```
 * @category Resilience
 */
export class FallbackPolicy<R = unknown> implements Policy {
  private readonly fallbackEmitter = new EventEmitter<FallbackEvent>();
  /** Fires when an outcome is replaced. */
  readonly onFallback: Event<FallbackEvent> = this.fallbackEmitter.event;
  private readonly handler: FallbackHandler<R>;
  private readonly handleError: (error: unknown) => boolean;
  private readonly handleResult: ((value: unknown) => boolean) | undefined;
  private readonly handleCallerAbort: boolean;

  /** Prefer {@link fallback}. */
  constructor(handler: R | FallbackHandler<R>, options: FallbackOptions = {}) {
    check.object('options', options);
    checkKnownKeys('fallback', options, KNOWN_OPTIONS);
    this.handleError = check.func('handleError', options.handleError, DEFAULT_FALLBACK_OPTIONS.handleError)!;
    this.handleResult = check.func('handleResult', options.handleResult);
    this.handleCallerAbort = check.boolean(
      'handleCallerAbort',
      options.handleCallerAbort,
      DEFAULT_FALLBACK_OPTIONS.handleCallerAbort,
    );
    this.handler = typeof handler === 'function' ? (handler as FallbackHandler<R>) : () => handler as R;
  }

  /**
   * Runs `fn` with the incoming context unchanged; replaces a handled error or result with the
   * handler's value. Anything else, including the caller's own cancellation, passes through.
   */
  async execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions | ExecuteContext): Promise<T> {
    const context = contextFrom(options);
    let value: T;
    try {
      value = await fn(context);
    } catch (error) {
      if (!this.handleCallerAbort && context.signal.aborted) throw error;
      if (!this.handleError(error)) throw error;
      return this.replace({ kind: 'error', error }, context);
    }
    if (this.handleResult?.(value)) return this.replace({ kind: 'result', value }, context);
    return value;
  }

  private async replace<T>(outcome: FallbackOutcome, context: ExecuteContext): Promise<T> {
    this.fallbackEmitter.emit({ outcome, attempt: context.attempt });
    return (await this.handler(outcome, context)) as unknown as T;
  }
}

/**
 * A policy that answers with a replacement when the function fails: on an error accepted by
 * `handleError` (every error by default) or a result flagged by `handleResult`, it returns
 * `handler(outcome, context)`, or `handler` itself when it is not a function (to fall back to a
 * function value, return it from a handler). The caller's own cancellation is never replaced
 * unless `handleCallerAbort` is set. Place it outermost in a pipeline so it sees what retries
 * and breakers finally gave up with.
 *
 * @example
 * ```ts
 * import { fallback } from '@keel/core/fallback';
 * const price = fallback<number>(async ({ kind }) => (kind === 'error' ? 0 : -1), {
 *   handleResult: (value) => value === null,
 * });
 * console.log(await price.execute<number>(async () => { throw new Error('pricing down'); })); // 0
 * ```
 * @category Resilience
 */
export function fallback<R>(handler: R | FallbackHandler<R>, options?: FallbackOptions): FallbackPolicy<R> {
  return new FallbackPolicy<R>(handler, options);
}
