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
}

interface ResponseEnvelope {
  readonly rpc: 'res';
  readonly id: number;
  readonly ok: boolean;
  readonly value: unknown;
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

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
  private readonly pending = new Map<number, PendingCall>();
  private readonly endpoints = new Map<string, Endpoint>();
  private nextId = 0;

  constructor(readonly network: Network) {}

  /** Calls waiting for an answer. */
  get inFlight(): number {
    return this.pending.size;
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
    return new Promise<R>((resolve, reject) => {
      const call: PendingCall = {
        resolve: resolve as (value: unknown) => void,
        reject,
        signal,
        onAbort: undefined,
      };
      if (signal) {
        call.onAbort = () => {
          if (this.pending.delete(id)) reject(abortError(signal));
        };
        signal.addEventListener('abort', call.onAbort);
      }
      this.pending.set(id, call);
      const envelope: RequestEnvelope = { rpc: 'req', id, body };
      this.network.send(from, to, envelope, options?.size ?? 0);
    });
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
      const call = this.pending.get(envelope.id);
      if (!call) return; // a duplicate or an answer nobody waits for any more
      this.pending.delete(envelope.id);
      if (call.onAbort) call.signal!.removeEventListener('abort', call.onAbort);
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
    handler(
      envelope.body,
      (ok, value) => {
        const response: ResponseEnvelope = { rpc: 'res', id, ok, value };
        network.send(message.to, message.from, response, size);
      },
      message,
    );
  }
}
