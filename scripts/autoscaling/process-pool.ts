/**
 * A resizable pool of child processes: each replica is a forked Node.js process running a
 * task handler module (a default-exported function of the payload), talking over IPC.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type FromReplica,
  ReplicaPool,
  type ReplicaPoolOptions,
  type ReplicaTransport,
} from './replica-pool.js';

const entry = fileURLToPath(new URL('./process-entry.mjs', import.meta.url));

/** Starts one child process running `handler`. */
export function spawnProcess(handler: URL): ReplicaTransport {
  const child = fork(entry, [handler.href], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  if (child.pid === undefined) throw new Error('could not start a child process');
  return {
    id: child.pid,
    send: (message) => {
      if (!child.connected) throw new Error(`process ${child.pid} is disconnected`);
      child.send(message);
    },
    onMessage: (listener) => child.on('message', (message) => listener(message as FromReplica)),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
    kill: () => void child.kill('SIGKILL'),
  };
}

/**
 * A {@link ReplicaPool} of child processes running the handler module at `handler`.
 * @example
 * ```ts
 * const pool = processPool(new URL('./handlers/wait.mjs', import.meta.url));
 * pool.setReplicas(2);
 * console.log(await pool.submit({ ms: 5 }));
 * await pool.close();
 * ```
 */
export function processPool(handler: URL, options?: ReplicaPoolOptions): ReplicaPool {
  return new ReplicaPool(() => spawnProcess(handler), options);
}
