import type { ExecuteContext, ExecuteOptions } from './policy.js';

/**
 * Base of the contexts Keel's policies create. Recognising it lets a policy treat an incoming
 * context as a parent without reading (and so creating) its signal.
 * @category Policy
 * @internal
 */
export abstract class BaseContext implements ExecuteContext {
  abstract readonly signal: AbortSignal;
  abstract readonly deadline: number;
  abstract readonly attempt: number;

  /**
   * The signal a child context should follow, or `undefined` when nothing above can ever
   * abort (no caller signal, no timeout, no hedge). Lets a child skip creating and listening
   * to a signal that would never fire: making an `AbortSignal` costs microseconds.
   */
  linkableSignal(): AbortSignal | undefined {
    return this.signal;
  }
}

/**
 * The signal that can abort `context`, or `undefined` when nothing can (see
 * {@link BaseContext.linkableSignal}); a caller's own context object answers with its `signal`.
 * A policy that only needs to notice an abort (check `aborted`, interrupt a wait) reads this
 * instead of `signal`, which would create an `AbortController` for a context that never aborts.
 * @example
 * ```ts
 * import { contextFrom, linkableSignalOf } from '@keel/core/policy';
 * console.log(linkableSignalOf(contextFrom(undefined))); // undefined: nothing can abort it
 * ```
 * @category Policy
 */
export function linkableSignalOf(context: ExecuteContext): AbortSignal | undefined {
  return context instanceof BaseContext ? context.linkableSignal() : context.signal;
}

/** The outermost context: the caller's signal (or a lazily made one that never aborts). */
class RootContext extends BaseContext {
  private lazySignal: AbortSignal | undefined;
  constructor(
    private readonly given: AbortSignal | undefined,
    readonly deadline: number,
    readonly attempt: number,
  ) {
    super();
  }
  get signal(): AbortSignal {
    if (this.given) return this.given;
    if (!this.lazySignal) this.lazySignal = new AbortController().signal;
    return this.lazySignal;
  }
  override linkableSignal(): AbortSignal | undefined {
    return this.given;
  }
}

/**
 * The context of a call made with no options at all: nothing can cancel it and it has no
 * deadline, so one shared, immutable instance serves every such call. Each read of `signal`
 * returns a fresh signal that never aborts (never a shared one, so listeners a function adds
 * and forgets cannot pile up).
 */
class UnboundRootContext extends BaseContext {
  readonly deadline = Number.POSITIVE_INFINITY;
  readonly attempt = 1;
  get signal(): AbortSignal {
    return new AbortController().signal;
  }
  override linkableSignal(): AbortSignal | undefined {
    return undefined;
  }
}

const UNBOUND_ROOT: ExecuteContext = Object.freeze(new UnboundRootContext());

/**
 * Turns what a caller passed to `execute` into a context: an existing context is used as is;
 * plain options become a root context.
 *
 * @example
 * ```ts
 * import { contextFrom } from '@keel/core/policy';
 * const context = contextFrom({ deadline: 5_000 });
 * console.log(context.attempt, context.deadline); // 1 5000
 * console.log(contextFrom(context) === context); // true: a context passes through
 * ```
 * @category Policy
 */
export function contextFrom(options: ExecuteOptions | ExecuteContext | undefined): ExecuteContext {
  if (options instanceof BaseContext) return options;
  if (options === undefined) return UNBOUND_ROOT;
  return new RootContext(
    options?.signal,
    options?.deadline ?? Number.POSITIVE_INFINITY,
    (options as Partial<ExecuteContext> | undefined)?.attempt ?? 1,
  );
}

/**
 * A context that shares its parent's signal and changes only the attempt number or the
 * deadline. Cheap: reading `signal` reads the parent's.
 * @category Policy
 * @internal
 */
export class ForwardContext extends BaseContext {
  constructor(
    private readonly parent: ExecuteContext,
    readonly deadline: number,
    readonly attempt: number,
  ) {
    super();
  }
  get signal(): AbortSignal {
    return this.parent.signal;
  }
  override linkableSignal(): AbortSignal | undefined {
    return linkableSignalOf(this.parent);
  }
}

/**
 * A context that can abort on its own (a timeout firing, a hedge winning) as well as when its
 * parent aborts. Its `AbortController` is created only when someone reads `signal`; an abort
 * before that is remembered and applied on creation. Call `release()` when the work is done to
 * unhook from the parent.
 * @category Policy
 * @internal
 */
export class AbortableContext extends BaseContext {
  private controller: AbortController | undefined;
  private parentSignal: AbortSignal | undefined;
  private abortReason: unknown;
  private isAborted = false;
  // Made only when the signal is first read: most calls never need it.
  private onParentAbort: (() => void) | undefined;

  constructor(
    private readonly parent: ExecuteContext,
    readonly deadline: number,
    readonly attempt: number,
  ) {
    super();
  }

  get signal(): AbortSignal {
    if (this.controller) return this.controller.signal;
    const controller = new AbortController();
    this.controller = controller;
    if (this.isAborted) {
      controller.abort(this.abortReason);
    } else {
      const parentSignal = linkableSignalOf(this.parent);
      if (parentSignal === undefined) {
        // Nothing above can abort: only this context's own abort() will fire the signal.
      } else if (parentSignal.aborted) {
        this.abort(parentSignal.reason);
      } else {
        this.parentSignal = parentSignal;
        this.onParentAbort = () => this.abort(parentSignal.reason);
        parentSignal.addEventListener('abort', this.onParentAbort);
      }
    }
    return controller.signal;
  }

  /** True once this context has aborted, whether or not its signal was ever read. */
  get aborted(): boolean {
    return this.isAborted;
  }

  /** The reason this context aborted with, if it has. */
  get reason(): unknown {
    return this.abortReason;
  }

  /** Aborts this context (and its signal if it exists) with `reason`. */
  abort(reason: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.abortReason = reason;
    this.release();
    this.controller?.abort(reason);
  }

  /** Unhooks from the parent signal. Safe to call more than once. */
  release(): void {
    if (this.parentSignal && this.onParentAbort) {
      this.parentSignal.removeEventListener('abort', this.onParentAbort);
      this.parentSignal = undefined;
      this.onParentAbort = undefined;
    }
  }
}
