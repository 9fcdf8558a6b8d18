/**
 * The wire under the scenarios' remote stores (a lease store, a service registry): one request
 * and one answer per store call over the simulated network, so its latency, loss and partitions
 * apply. Each scenario keeps its own request type and its own store class; only the plumbing
 * between a call and its answer lives here.
 */
import type { Clock } from '@keel/core/clock';
import { timeout } from '@keel/core/timeout';
import type { World } from '@keel/sim';

/**
 * Serves node `node` (created if needed): every request is handed to `answer`, and the promise it
 * returns becomes the reply, a fulfilled one as the value and a rejected one as the error.
 *
 * @example
 * ```ts
 * import { World } from '@keel/sim';
 * import { serveStore } from './remote-store.js';
 * const world = new World({ seed: 1 });
 * const names = new Map([['api', '10.0.0.1']]);
 * serveStore(world, 'dns', async (name: string) => names.get(name));
 * ```
 */
export function serveStore<Request>(
  world: World,
  node: string,
  answer: (request: Request) => Promise<unknown>,
): void {
  world.node(node);
  world.rpc.serve(node, (body, reply) => {
    answer(body as Request).then(
      (value) => reply(true, value),
      (error: unknown) => reply(false, error),
    );
  });
}

/** Sends one request to a served store and resolves with its answer. */
export type StoreCall<Request> = <T>(request: Request) => Promise<T>;

/**
 * Calls to the store served on node `to`, sent from node `from` (created if needed). A call with
 * no answer after `timeoutMs` on `clock` fails with a TimeoutError, as a client library's timeout
 * would; the operation may still have happened at the store.
 *
 * @example
 * ```ts
 * import { World } from '@keel/sim';
 * import { serveStore, storeCaller } from './remote-store.js';
 * const world = new World({ seed: 1 });
 * serveStore(world, 'dns', async (name: string) => (name === 'api' ? '10.0.0.1' : undefined));
 * const lookup = storeCaller<string>(world, 'client', 'dns', world.clock, 250);
 * const address = lookup<string | undefined>('api');
 * await world.run(100);
 * console.log(await address); // 10.0.0.1
 * ```
 */
export function storeCaller<Request>(
  world: World,
  from: string,
  to: string,
  clock: Clock,
  timeoutMs: number,
): StoreCall<Request> {
  world.node(from);
  const limit = timeout(timeoutMs, { clock });
  return <T>(request: Request): Promise<T> =>
    limit.execute(({ signal }) => world.call<T>(from, to, request, { signal }));
}
