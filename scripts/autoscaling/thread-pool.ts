/**
 * A resizable pool of worker threads: each replica is a `node:worker_threads` Worker running a
 * task handler module (a default-exported function of the payload).
 */
import { Worker } from 'node:worker_threads';
import {
  type FromReplica,
  ReplicaPool,
  type ReplicaPoolOptions,
  type ReplicaTransport,
} from './replica-pool.js';

const entry = new URL('./thread-entry.mjs', import.meta.url);

/** Starts one worker thread running `handler`. */
export function spawnThread(handler: URL): ReplicaTransport {
  const worker = new Worker(entry, { workerData: { handler: handler.href } });
  return {
    id: worker.threadId,
    send: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.on('message', (message: FromReplica) => listener(message)),
    onExit: (listener) => worker.once('exit', (code) => listener(code)),
    kill: () => void worker.terminate(),
  };
}

/**
 * A {@link ReplicaPool} of worker threads running the handler module at `handler`.
 * @example
 * ```ts
 * const pool = threadPool(new URL('./handlers/spin.mjs', import.meta.url));
 * pool.setReplicas(2);
 * console.log(await pool.submit({ ms: 5 }));
 * await pool.close();
 * ```
 */
export function threadPool(handler: URL, options?: ReplicaPoolOptions): ReplicaPool {
  return new ReplicaPool(() => spawnThread(handler), options);
}
