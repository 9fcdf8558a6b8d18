const disposeSymbol: symbol | undefined = (Symbol as { dispose?: symbol }).dispose;

/**
 * Something that can be released: a listener, a timer, a connection. Supports `using` where
 * the platform has `Symbol.dispose`.
 * @category Events
 */
export interface Disposable {
  dispose(): void;
}

/**
 * A typed event: call it with a listener to subscribe; the returned disposable unsubscribes.
 *
 * @example
 * ```ts
 * import { EventEmitter } from '@keel/core/events';
 * const emitter = new EventEmitter<number>();
 * const subscription = emitter.event((n) => console.log(n));
 * emitter.emit(1);
 * subscription.dispose();
 * ```
 * @category Events
 */
export type Event<T> = (listener: (value: T) => void) => Disposable;

class Subscription implements Disposable {
  constructor(
    private readonly owner: EventEmitter<never>,
    private readonly listener: (value: never) => void,
  ) {
    if (disposeSymbol) (this as unknown as Record<symbol, () => void>)[disposeSymbol] = () => this.dispose();
  }
  dispose(): void {
    this.owner._remove(this.listener);
  }
}

/**
 * The source side of an {@link Event}. Emitting with no listeners costs one branch, so hot
 * paths may emit freely. A listener that throws does not stop the others; the error is
 * reported through `onListenerError` (by default rethrown asynchronously).
 *
 * @example
 * ```ts
 * import { EventEmitter } from '@keel/core/events';
 * const changes = new EventEmitter<{ from: string; to: string }>();
 * changes.event(({ from, to }) => console.log(`${from} -> ${to}`));
 * changes.emit({ from: 'closed', to: 'open' });
 * ```
 * @category Events
 */
export class EventEmitter<T> {
  private listeners: ((value: T) => void)[] = [];

  /** Subscribe to this emitter. */
  readonly event: Event<T> = (listener) => {
    this.listeners = [...this.listeners, listener];
    return new Subscription(this as unknown as EventEmitter<never>, listener as (value: never) => void);
  };

  /** Number of current listeners. */
  get size(): number {
    return this.listeners.length;
  }

  /** True when at least one listener is attached. */
  get hasListeners(): boolean {
    return this.listeners.length > 0;
  }

  /** Delivers `value` to every listener attached at the moment of the call. */
  emit(value: T): void {
    const listeners = this.listeners;
    if (listeners.length === 0) return;
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i]!(value);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners = [];
  }

  /** @internal */
  _remove(listener: (value: never) => void): void {
    const index = this.listeners.indexOf(listener as (value: T) => void);
    if (index >= 0) this.listeners = this.listeners.filter((_, i) => i !== index);
  }
}

function reportListenerError(error: unknown): void {
  // Rethrow outside the emitting call stack so a faulty listener can never break a pattern's
  // state machine, yet the failure is still visible.
  queueMicrotask(() => {
    throw error;
  });
}

/**
 * Resolves with the next value of `event`, or rejects if `signal` aborts first.
 * @example
 * ```ts
 * import { EventEmitter, once } from '@keel/core/events';
 * const emitter = new EventEmitter<string>();
 * const next = once(emitter.event);
 * emitter.emit('hello');
 * console.log(await next);
 * ```
 * @category Events
 */
export function once<T>(event: Event<T>, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      subscription.dispose();
      reject(signal!.reason);
    };
    const subscription = event((value) => {
      subscription.dispose();
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Groups disposables so they can be released together.
 *
 * @example
 * ```ts
 * import { DisposableStore, EventEmitter } from '@keel/core/events';
 * const emitter = new EventEmitter<string>();
 * const subscriptions = new DisposableStore();
 * subscriptions.add(emitter.event((text) => console.log('got', text)));
 * emitter.emit('first'); // got first
 * subscriptions.dispose();
 * emitter.emit('second'); // prints nothing: the listener was released
 * ```
 * @category Events
 */
export class DisposableStore implements Disposable {
  private items: Disposable[] = [];
  /** Adds `item` and returns it. */
  add<D extends Disposable>(item: D): D {
    this.items.push(item);
    return item;
  }
  dispose(): void {
    const items = this.items;
    this.items = [];
    for (const item of items) item.dispose();
  }
}
