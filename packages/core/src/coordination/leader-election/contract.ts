import type { Clock } from '../../clock/index.js';
import { assertEqual, assertTrue, defineContract } from '../../testing/index.js';
import type { LeaseStore } from '../distributed-lock/lease-store.js';
import { PartitionableLeaseStore } from '../distributed-lock/partitionable-lease-store.js';
import { isLeadershipLostError } from './errors.js';
import { LeaderElector, type LeaderInfo } from './leader-elector.js';

/**
 * What the leader-election contract needs from an adapter's fixture.
 * @category Leader election
 */
export interface ElectionContractSubject {
  readonly store: LeaseStore;
  readonly clock: Clock;
  /** Lets `ms` pass on `clock`. */
  wait(ms: number): Promise<void>;
  /** Timings the store handles exactly enough (etcd counts leases in whole seconds). */
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  /** An election name unique to this case and run. */
  key(name: string): string;
}

function elector(
  s: ElectionContractSubject,
  name: string,
  id: string,
  store: LeaseStore = s.store,
): LeaderElector {
  return new LeaderElector(store, name, {
    id,
    clock: s.clock,
    leaseDurationMs: s.leaseDurationMs,
    renewDeadlineMs: s.renewDeadlineMs,
    retryPeriodMs: s.retryPeriodMs,
  });
}

/** Waits on the subject's clock until `done()` or `limitMs` passes. */
async function waitUntil(s: ElectionContractSubject, done: () => boolean, limitMs: number): Promise<void> {
  const step = Math.max(10, s.retryPeriodMs / 4);
  for (let waited = 0; waited < limitMs && !done(); waited += step) await s.wait(step);
}

/**
 * The behaviour every lease store must show when used for leader election.
 * @example
 * ```ts
 * import { VirtualClock } from '@keel/core/clock';
 * import { InMemoryLeaseStore } from '@keel/core/distributed-lock';
 * import { electionContract } from '@keel/core/leader-election';
 * import { runContract } from '@keel/core/testing';
 * import { describe, it } from 'vitest';
 * runContract({ describe, it }, 'memory', electionContract, () => {
 *   const clock = new VirtualClock();
 *   return { subject: { store: new InMemoryLeaseStore({ clock }), clock, wait: (ms: number) => clock.advanceAsync(ms),
 *     leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 200, key: (n: string) => n } };
 * });
 * ```
 * @category Leader election
 */
export const electionContract = defineContract<ElectionContractSubject>('LeaseStore (leader election)', [
  {
    name: 'elects one candidate; the leader keeps renewing past its lease',
    async run(s) {
      const name = s.key('one-leader');
      const a = await elector(s, name, 'a').campaign();
      const b = elector(s, name, 'b');
      let bLeads = false;
      const campaign = b.campaign().then((leadership) => {
        bLeads = true;
        return leadership;
      });
      await s.wait(s.leaseDurationMs * 1.5);
      assertTrue(a.isLeader, 'the leader renewed its lease');
      assertTrue(!bLeads, 'the follower is still waiting');
      await a.resign();
      await waitUntil(s, () => bLeads, s.leaseDurationMs * 2);
      const leadership = await campaign;
      assertTrue(leadership.epoch > a.epoch, 'a new leader has a greater epoch');
      assertTrue(isLeadershipLostError(a.signal.reason), 'the old leader signal aborted with the reason');
      await leadership.resign();
    },
  },
  {
    name: 'a partitioned leader steps down at its renew deadline, before anyone else is elected',
    async run(s) {
      const name = s.key('partition');
      const cutOff = new PartitionableLeaseStore(s.store);
      const oldLeader = await elector(s, name, 'a', cutOff).campaign();
      let steppedDownAt = Number.NaN;
      oldLeader.signal.addEventListener('abort', () => {
        steppedDownAt = s.clock.now();
      });
      cutOff.partition('hang');
      let electedAt = Number.NaN;
      const campaign = elector(s, name, 'b')
        .campaign()
        .then((leadership) => {
          electedAt = s.clock.now();
          return leadership;
        });
      await waitUntil(s, () => !Number.isNaN(electedAt), s.leaseDurationMs * 3);
      const leadership = await campaign;
      assertTrue(!Number.isNaN(steppedDownAt), 'the partitioned leader stepped down');
      assertTrue(steppedDownAt <= electedAt, 'stepped down before the next leader was elected');
      assertTrue(leadership.epoch > oldLeader.epoch, 'the new epoch is greater');
      await leadership.resign();
    },
  },
  {
    name: 'observers see each leader and the absence of one',
    async run(s) {
      const name = s.key('observe');
      const seen: (LeaderInfo | undefined)[] = [];
      const observer = elector(s, name, 'watcher').observe((leader) => seen.push(leader), {
        intervalMs: s.retryPeriodMs / 2,
      });
      await s.wait(s.retryPeriodMs);
      const a = await elector(s, name, 'a').campaign();
      await s.wait(s.retryPeriodMs * 1.5);
      await a.resign();
      await s.wait(s.retryPeriodMs * 1.5);
      observer.dispose();
      assertEqual(
        seen.map((leader) => leader?.id ?? null),
        [null, 'a', null],
        'leaders observed',
      );
      assertEqual(seen[1]?.epoch, a.epoch, 'observed epoch');
    },
  },
]);
