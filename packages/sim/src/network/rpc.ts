import { check, checkKnownKeys } from '@keel/core/options';
import { abortError } from '@keel/core/signal';
import type { Message, Network } from './network.js';

/**
 * Answers one request: `ok` with a value, or not with an error (which the caller's promise
 * rejects with). Calling it more than once sends more than one response; only the first
 * reaches a caller.
 * @category Network
 */
export type Reply = (ok: boolean, value: unknown) => void;

/**
 * Handles requests arriving at a node. It runs inside a simulator event: it should answer
 * through `reply`, now or from a later event.
 * @category Network
 */
export type RequestHandler = (body: unknown, reply: Reply, message: Message) => void;

/**
 * Options of {@link Rpc.call}.
 * @category Network
 */
export interface CallOptions {
  /** Cancels the wait for an answer; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Request size in bytes, for bandwidth. @default 0 */
  readonly size?: number;
}

/**
 * Options of {@link Rpc.serve}.
 * @category Network
 */
export interface ServeOptions {
  /** Response size in bytes, for bandwidth. @default 0 */
  readonly responseSize?: number;
  /**
   * True when the handler only schedules simulator events and never resumes async code
   * itself, which saves a microtask flush per request (the built-in services are such).
   * @default false
   */
  readonly internal?: boolean;
}

interface RequestEnvelope {
  readonly rpc: 'req';
  readonly id: number;
  readonly body: unknown;
  /** The caller's side of the call; only the response handler on the caller's node uses it. */
  readonly call: PendingCall;
}

interface ResponseEnvelope {
  readonly rpc: 'res';
  readonly id: number;
  readonly ok: boolean;
  readonly value: unknown;
  readonly call: PendingCall;
}

/**
 * A call waiting for its answer. It is its own abort listener (an EventListener object), so a
 * call with a signal allocates no closure, and its response envelope points at it, so an answer
 * finds its call without a lookup.
 */
class PendingCall {
  resolve: (value: unknown) => void = noop;
  reject: (error: unknown) => void = noop;
  done = false;

  constructor(
    readonly rpc: Rpc,
    readonly signal: AbortSignal | undefined,
  ) {}

  /** Called by the signal when it aborts. */
  handleEvent(): void {
    if (this.done) return;
    this.done = true;
    this.rpc._settled();
    this.reject(abortError(this.signal!));
  }
}

function noop(): void {}

interface Endpoint {
  handler: RequestHandler | undefined;
  responseSize: number;
  internal: boolean;
}

/**
 * Request/response over a {@link Network}: `call` sends a request and returns a promise of the
 * answer; a lost request or response means the promise never settles unless the caller's
 * signal aborts it, exactly the situation timeouts exist for.
 *
 * @example
 * ```ts
 * import { Network, Rpc, Simulator } from '@keel/sim';
 * const sim = new Simulator();
 * const net = new Network(sim);
 * net.node('client');
 * net.node('server');
 * const rpc = new Rpc(net);
 * rpc.serve('server', (body, reply) => reply(true, `echo ${body}`));
 * const answer = rpc.call('client', 'server', 'hi');
 * await sim.run(100);
 * console.log(await answer); // "echo hi"
 * ```
 * @category Network
 */
export class Rpc {
  private readonly endpoints = new Map<string, Endpoint>();
  private nextId = 0;
  private waiting = 0;
  /** The call whose promise is being created, read by the shared executor. */
  private capturing: PendingCall | undefined;
  private readonly capture = (resolve: (value: unknown) => void, reject: (error: unknown) => void): void => {
    const call = this.capturing!;
    call.resolve = resolve;
    call.reject = reject;
  };

  constructor(readonly network: Network) {}

  /** Calls waiting for an answer. */
  get inFlight(): number {
    return this.waiting;
  }

  /** @internal a call stopped waiting (answered or aborted). */
  _settled(): void {
    this.waiting--;
  }

  /** Makes `node` answer requests with `handler`. */
  serve(node: string, handler: RequestHandler, options: ServeOptions = {}): void {
    checkKnownKeys('serve', options, ['responseSize', 'internal']);
    const endpoint = this.endpoint(node);
    endpoint.handler = handler;
    endpoint.responseSize = check.number('responseSize', options.responseSize, 0, { min: 0 });
    endpoint.internal = check.boolean('internal', options.internal, false);
  }

  /** Sends `body` from `from` to `to` and resolves with the answer. */
  call<R = unknown>(from: string, to: string, body: unknown, options?: CallOptions): Promise<R> {
    this.endpoint(from);
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const id = this.nextId++;
    const call = new PendingCall(this, signal);
    this.capturing = call;
    const promise = new Promise(this.capture) as Promise<R>;
    this.capturing = undefined;
    if (signal) signal.addEventListener('abort', call);
    this.waiting++;
    const envelope: RequestEnvelope = { rpc: 'req', id, body, call };
    this.network.send(from, to, envelope, options?.size ?? 0);
    return promise;
  }

  private endpoint(name: string): Endpoint {
    let endpoint = this.endpoints.get(name);
    if (endpoint) return endpoint;
    const node = this.network.node(name);
    const fresh: Endpoint = { handler: undefined, responseSize: 0, internal: false };
    endpoint = fresh;
    this.endpoints.set(name, fresh);
    node.onMessage((message) => this.receive(fresh, message), { wakes: false });
    return endpoint;
  }

  private receive(endpoint: Endpoint, message: Message): void {
    const envelope = message.payload as RequestEnvelope | ResponseEnvelope;
    if (envelope.rpc === 'res') {
      const call = envelope.call;
      // A duplicate, an answer nobody waits for any more, or one for another Rpc's call.
      if (call.done || call.rpc !== this) return;
      call.done = true;
      this.waiting--;
      if (call.signal) call.signal.removeEventListener('abort', call);
      this.network.sim.wake();
      if (envelope.ok) call.resolve(envelope.value);
      else call.reject(envelope.value);
      return;
    }
    const handler = endpoint.handler;
    if (!handler) return;
    if (!endpoint.internal) this.network.sim.wake();
    const network = this.network;
    const size = endpoint.responseSize;
    const id = envelope.id;
    const call = envelope.call;
    handler(
      envelope.body,
      (ok, value) => {
        const response: ResponseEnvelope = { rpc: 'res', id, ok, value, call };
        network.send(message.to, message.from, response, size);
      },
      message,
    );
  }
}
