import type { Clock } from '@keel/core/clock';
import { FencedStore, InMemoryLeaseStore, type LeaseStore } from '@keel/core/distributed-lock';
import { LeaderElector } from '@keel/core/leader-election';
import type { Random } from '@keel/core/random';
import { sleep } from '@keel/core/signal';
import { timeout } from '@keel/core/timeout';
import { constant, defineScenario, measures, row, runVariants, type World } from '@keel/sim';
import { RpcLeaseStore, serveLeaseStore } from '../distributed-lock/scenario.js';

const ELECTION = 'scheduler';

interface Timings {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly jitterFactor: number;
}

/** What a candidate does while it believes it leads: one act (a write with its epoch) per period. */
interface Acting {
  /** Called on every change of the candidate's belief. */
  believe(leading: boolean): void;
  /** Sends one act carrying `epoch` to the resource. */
  act(epoch: bigint): void;
}

/**
 * The naive leader: it takes the lease and renews it every retry period, but keeps acting as
 * leader until the store tells it, in so many words, that someone else holds the lease. An
 * unanswered renewal is not taken as a sign of anything.
 */
async function naiveCandidate(
  store: LeaseStore,
  id: string,
  clock: Clock,
  random: Random,
  timings: Timings,
  actEveryMs: number,
  acting: Acting,
): Promise<never> {
  for (;;) {
    const epoch = await store.tryAcquire(ELECTION, id, timings.leaseDurationMs).catch(() => undefined);
    if (epoch === undefined) {
      await sleep(clock, timings.retryPeriodMs * (1 + random.next() * timings.jitterFactor));
      continue;
    }
    let leading = true;
    acting.believe(true);
    let nextRenewAt = clock.now() + timings.retryPeriodMs;
    let renewing = false;
    while (leading) {
      acting.act(epoch);
      await sleep(clock, actEveryMs);
      if (!renewing && clock.now() >= nextRenewAt) {
        renewing = true;
        store.extend(ELECTION, id, timings.leaseDurationMs).then(
          (renewed) => {
            renewing = false;
            nextRenewAt = clock.now() + timings.retryPeriodMs;
            if (!renewed) leading = false;
          },
          () => {
            renewing = false;
            nextRenewAt = clock.now() + timings.retryPeriodMs;
          },
        );
      }
    }
    acting.believe(false);
  }
}

/** The pattern: `LeaderElector`, acting only while `isLeader` holds. */
async function electorCandidate(
  store: LeaseStore,
  id: string,
  clock: Clock,
  random: Random,
  timings: Timings,
  actEveryMs: number,
  acting: Acting,
): Promise<never> {
  const elector = new LeaderElector(store, ELECTION, { id, clock, random, ...timings });
  elector.events((event) => {
    if (event.type === 'elected') acting.believe(true);
    else if (event.type === 'deposed') acting.believe(false);
  });
  for (;;) {
    let leadership: Awaited<ReturnType<LeaderElector['campaign']>>;
    try {
      leadership = await elector.campaign();
    } catch {
      // The store did not answer an attempt: try again after a retry period.
      await sleep(clock, timings.retryPeriodMs);
      continue;
    }
    while (leadership.isLeader) {
      acting.act(leadership.epoch);
      await sleep(clock, actEveryMs);
    }
  }
}

/**
 * Leader failover under a partition. Candidates elect a leader through a lease store served over
 * the simulated network; the leader acts (writes carrying its epoch) every half second. Then the
 * leader is cut off from the lease store, though not from the resource it writes. The baseline's
 * leader keeps leading until the store answers it again; the pattern's `LeaderElector` steps down
 * at its renew deadline, before the lease can expire, and the resource refuses stale epochs.
 *
 * @example
 * ```ts
 * import { resolveKnobs } from '@keel/sim';
 * import { leaderFailoverScenario } from './scenario.js';
 * const knobs = resolveKnobs(leaderFailoverScenario.knobs);
 * const result = await leaderFailoverScenario.run(1, knobs, { durationMs: 60_000 });
 * console.log(result.summary.rows[0]);
 * ```
 */
export const leaderFailoverScenario = defineScenario({
  id: 'leader-failover',
  name: 'Leader failover under a partition',
  description:
    'Candidates elect a leader through a lease store reached over the network, with client-go timings ' +
    '(15 s lease, 10 s renew deadline, 2 s retry period). The leader writes to a resource every half ' +
    'second with its epoch. At 10 s the leader is partitioned from the lease store for 30 s but can still ' +
    'reach the resource. The baseline leader keeps acting until the store tells it that someone else leads, ' +
    'so once the lease expires and another candidate is elected, two leaders write at once. The ' +
    "pattern's LeaderElector steps down at its renew deadline, before the lease can expire at the store, " +
    'and the resource refuses writes from older epochs; a new leader takes over within one lease ' +
    'duration plus a jittered retry period.',
  knobs: {
    candidates: { type: 'number', label: 'Candidates', default: 3, min: 2, max: 7, step: 1 },
    leaseDurationMs: {
      type: 'number',
      label: 'Lease duration',
      default: 15_000,
      min: 1_000,
      max: 60_000,
      step: 500,
      unit: 'ms',
    },
    renewDeadlineMs: {
      type: 'number',
      label: 'Renew deadline',
      description: 'Must be below the lease duration and above 1.2 × the retry period.',
      default: 10_000,
      min: 500,
      max: 59_000,
      step: 500,
      unit: 'ms',
    },
    retryPeriodMs: {
      type: 'number',
      label: 'Retry period',
      default: 2_000,
      min: 100,
      max: 20_000,
      step: 100,
      unit: 'ms',
    },
    partitionAtMs: {
      type: 'number',
      label: 'Partition at',
      default: 10_000,
      min: 0,
      max: 600_000,
      step: 1_000,
      unit: 'ms',
    },
    partitionMs: {
      type: 'number',
      label: 'Partition length',
      default: 30_000,
      min: 0,
      max: 600_000,
      step: 1_000,
      unit: 'ms',
    },
    actEveryMs: {
      type: 'number',
      label: 'Leader acts every',
      default: 500,
      min: 50,
      max: 10_000,
      step: 50,
      unit: 'ms',
    },
  },
  defaultDurationMs: 60_000,
  run: (seed, knobs, options) => {
    const timings: Timings = {
      leaseDurationMs: knobs.leaseDurationMs,
      renewDeadlineMs: knobs.renewDeadlineMs,
      retryPeriodMs: knobs.retryPeriodMs,
      jitterFactor: 1.2,
    };
    const build = (world: World, pattern: boolean): void => {
      const m = world.metrics;
      const leaders = m.gauge('leaders');
      const overlap = m.gauge('overlapMs');
      const failover = m.gauge('failoverMs');
      const elections = m.counter('elections');
      const accepted = m.counter('acts.accepted');
      const stale = m.counter('acts.stale');
      const refused = m.counter('acts.refused');
      leaders.set(0);
      overlap.set(0);
      failover.set(Number.NaN);

      // The lease store, and who it last granted the lease to.
      let holder: string | undefined;
      let partitionedAt = Number.NaN;
      serveLeaseStore(world, 'locks', new InMemoryLeaseStore({ clock: world.clock }), (_key, owner) => {
        elections.inc();
        if (!Number.isNaN(partitionedAt) && owner !== holder && Number.isNaN(failover.value))
          failover.set(world.clock.now() - partitionedAt);
        holder = owner;
      });

      // The resource the leader acts on: watches the highest epoch in both variants, refuses older
      // ones only in the pattern's.
      world.node('resource');
      const fenced = new FencedStore<string>();
      let highest = 0n;
      world.rpc.serve('resource', (body, reply) => {
        const { epoch, id } = body as { epoch: bigint; id: string };
        const older = epoch < highest;
        if (epoch > highest) highest = epoch;
        if (pattern) {
          try {
            fenced.write('jobs', epoch, id);
          } catch (error) {
            refused.inc();
            return reply(false, error);
          }
        }
        accepted.inc();
        if (older) stale.inc();
        reply(true, undefined);
      });

      // Candidates believing they lead, and the time two or more of them did at once.
      let believers = 0;
      let changedAt = 0;
      const believe = (leading: boolean): void => {
        const now = world.clock.now();
        if (believers >= 2) overlap.add(now - changedAt);
        changedAt = now;
        believers += leading ? 1 : -1;
        leaders.set(believers);
      };

      for (let i = 1; i <= knobs.candidates; i++) {
        const id = `candidate-${i}`;
        world.node(id);
        const clock = world.network.clockOf(id);
        const random = world.random();
        const store = new RpcLeaseStore(world, id, 'locks', { clock });
        const send = timeout(250, { clock });
        const acting: Acting = {
          believe,
          act: (epoch) => {
            send
              .execute(({ signal }) => world.call(id, 'resource', { epoch, id }, { signal }))
              .catch(() => undefined);
          },
        };
        const candidate = pattern ? electorCandidate : naiveCandidate;
        void candidate(store, id, clock, random, timings, knobs.actEveryMs, acting);
      }

      if (knobs.partitionMs > 0)
        world.sim.schedule(
          knobs.partitionAtMs,
          () => {
            if (holder === undefined) return;
            partitionedAt = world.clock.now();
            const cut = world.network.partition([holder], ['locks']);
            world.sim.schedule(knobs.partitionMs, () => cut.heal(), undefined);
          },
          undefined,
        );

      // Close the overlap count at the end of each window, so the gauge is current.
      world.sample('overlap.live', () => {
        const now = world.clock.now();
        if (believers >= 2) overlap.add(now - changedAt);
        changedAt = now;
        return believers;
      });
    };
    return runVariants(
      seed,
      options,
      { baseline: (world) => build(world, false), pattern: (world) => build(world, true) },
      (metrics) => [
        row('Most leaders at once', 'leaders', 'lower', metrics, (s) => s.gauges['leaders']?.max ?? 0),
        row('Time with two leaders', 'ms', 'lower', metrics, (s) => s.gauges['overlapMs']?.value ?? 0),
        row('Stale-epoch acts accepted', 'acts', 'lower', metrics, measures.count('acts.stale')),
        row('Stale-epoch acts refused', 'acts', 'higher', metrics, measures.count('acts.refused')),
        row(
          'Partition to new leader',
          'ms',
          'lower',
          metrics,
          (s) => s.gauges['failoverMs']?.value ?? Number.NaN,
        ),
        row('Elections', 'elections', 'lower', metrics, measures.count('elections')),
      ],
      { defaultLink: { latency: constant(1) } },
    );
  },
});
