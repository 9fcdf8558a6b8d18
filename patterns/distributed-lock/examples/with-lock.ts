/**
 * A job that runs longer than its lease: `withLock` extends the lease every third of the TTL
 * while the job runs, hands the job the lock's signal, and releases the lock when it ends.
 */

import { VirtualClock } from '@keel/core/clock';
import { InMemoryLeaseStore, LeaseLockProvider, type LockEvent } from '@keel/core/distributed-lock';
import { sleep } from '@keel/core/signal';

export async function main() {
  const clock = new VirtualClock();
  const locks = new LeaseLockProvider(new InMemoryLeaseStore({ clock }), { clock, id: 'reporter' });
  const events: string[] = [];
  locks.events((event: LockEvent) => events.push(`${event.type}@${clock.now()}`));

  const job = locks.withLock(
    'nightly-report',
    async (lock) => {
      // Five seconds of work under a three-second lease; each step checks the signal.
      for (let step = 0; step < 5; step++) await sleep(clock, 1_000, lock.signal);
      return `report written under token ${lock.token}`;
    },
    { ttlMs: 3_000 },
  );
  await clock.advanceAsync(6_000);
  return { result: await job, events };
}
