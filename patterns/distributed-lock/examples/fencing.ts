/**
 * Why a lock needs fencing tokens. Worker A takes the lock and then stalls (a long garbage
 * collection, a frozen VM) past its lease; worker B takes the lock and writes. When A wakes,
 * its signal has already fired — but A writes anyway, as buggy or unlucky code does. The
 * resource refuses A's write because B's newer token has been seen. Virtual time makes the
 * run instant and repeatable.
 */

import { VirtualClock } from '@keel/core/clock';
import {
  FencedStore,
  InMemoryLeaseStore,
  isStaleFencingTokenError,
  LeaseLockProvider,
} from '@keel/core/distributed-lock';

export async function main() {
  const clock = new VirtualClock();
  const store = new InMemoryLeaseStore({ clock });
  const ledger = new FencedStore<string>();
  const workerA = new LeaseLockProvider(store, { clock, id: 'worker-a' });
  const workerB = new LeaseLockProvider(store, { clock, id: 'worker-b' });

  const a = await workerA.acquire('ledger', { ttlMs: 1_000 });
  await clock.advanceAsync(1_500); // A stalls past its lease
  const aSignalFired = a.signal.aborted;

  const b = await workerB.acquire('ledger', { ttlMs: 1_000 });
  ledger.write('balance', b.token, 'written by B');

  let aRefused = false;
  try {
    ledger.write('balance', a.token, 'written by A, too late');
  } catch (error) {
    aRefused = isStaleFencingTokenError(error);
  }
  await b.release();

  return {
    tokens: { a: a.token, b: b.token },
    aSignalFired,
    aRefused,
    balance: ledger.read('balance')?.value,
  };
}
