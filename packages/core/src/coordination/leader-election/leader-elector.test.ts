import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { TimeoutError } from '../../errors/index.js';
import { seededRandom } from '../../random/index.js';
import { invalidOptionField, runContract } from '../../testing/index.js';
import { InMemoryLeaseStore } from '../distributed-lock/in-memory-lease-store.js';
import { PartitionableLeaseStore } from '../distributed-lock/partitionable-lease-store.js';
import { electionContract } from './contract.js';
import { isLeadershipLostError, LeadershipLostError } from './errors.js';
import { type ElectorEvent, LeaderElector, type LeaderElectorOptions } from './leader-elector.js';

runContract({ describe, it }, 'in-memory (virtual clock)', electionContract, () => {
  const clock = new VirtualClock();
  return {
    subject: {
      store: new InMemoryLeaseStore({ clock }),
      clock,
      wait: (ms: number) => clock.advanceAsync(ms),
      leaseDurationMs: 1_500,
      renewDeadlineMs: 1_000,
      retryPeriodMs: 200,
      key: (name: string) => name,
    },
  };
});

describe('LeaderElector', () => {
  it('uses client-go timings by default and validates their order', () => {
    const store = new InMemoryLeaseStore();
    const elector = new LeaderElector(store, 'x', { id: 'a' });
    expect([elector.leaseDurationMs, elector.renewDeadlineMs, elector.retryPeriodMs]).toEqual([
      15_000, 10_000, 2_000,
    ]);
    const bad: [string, Partial<LeaderElectorOptions>][] = [
      ['leaseDurationMs', { leaseDurationMs: 10_000 }],
      ['renewDeadlineMs', { retryPeriodMs: 9_000 }],
      ['retryPeriodMs', { retryPeriodMs: 0 }],
      ['jitterFactor', { jitterFactor: -1 }],
      ['id', { id: '' }],
      ['LeaderElector.ttl', { ttl: 1 } as never],
    ];
    for (const [field, options] of bad) {
      expect(invalidOptionField(() => new LeaderElector(store, 'x', { id: 'a', ...options }))).toBe(field);
    }
    expect(() => new LeaderElector(store, '', { id: 'a' })).toThrow(
      expect.objectContaining({ field: 'name' }),
    );
  });

  it('steps down at the renew deadline when the store stops answering', async () => {
    const clock = new VirtualClock();
    const store = new PartitionableLeaseStore(new InMemoryLeaseStore({ clock }));
    const elector = new LeaderElector(store, 'x', { id: 'a', clock });
    const events: ElectorEvent[] = [];
    elector.events((e) => events.push(e));
    const leadership = await elector.campaign();
    await clock.advanceAsync(4_000);
    store.partition('hang');
    // Last successful renewal was sent at 4 000 ms.
    await clock.advanceAsync(9_999);
    expect(leadership.isLeader).toBe(true);
    await clock.advanceAsync(1);
    expect(leadership.signal.reason).toMatchObject({ lossReason: 'renew-deadline', epoch: 1n });
    expect(elector.state).toEqual({ kind: 'idle' });
    expect(events.map((e) => e.type)).toEqual(['campaigning', 'elected', 'renewed', 'renewed', 'deposed']);
  });

  it('keeps renewing through failing calls and steps down only at the deadline', async () => {
    const clock = new VirtualClock();
    const store = new PartitionableLeaseStore(new InMemoryLeaseStore({ clock }));
    const elector = new LeaderElector(store, 'x', { id: 'a', clock });
    const leadership = await elector.campaign();
    store.partition('fail');
    await clock.advanceAsync(7_000);
    store.heal();
    await clock.advanceAsync(20_000);
    expect(leadership.isLeader).toBe(true);
    await leadership.resign();
    expect(leadership.signal.reason).toMatchObject({ lossReason: 'resigned' });
  });

  it('is deposed when the store refuses a renewal', async () => {
    const clock = new VirtualClock();
    const inner = new InMemoryLeaseStore({ clock });
    const leadership = await new LeaderElector(inner, 'x', { id: 'a', clock }).campaign();
    await inner.release('x', 'a');
    await inner.tryAcquire('x', 'intruder', 60_000);
    await clock.advanceAsync(2_000);
    expect(leadership.signal.reason).toMatchObject({ lossReason: 'rejected' });
  });

  it('measures failover after a leader is cut off: elected within lease + jittered retry, never overlapping', async () => {
    const failovers: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const clock = new VirtualClock();
      const inner = new InMemoryLeaseStore({ clock });
      const cutOff = new PartitionableLeaseStore(inner);
      const options = { clock, random: seededRandom(seed) };
      const first = await new LeaderElector(cutOff, 'x', { id: 'a', ...options }).campaign();
      const follower = new LeaderElector(inner, 'x', { id: 'b', ...options }).campaign();
      await clock.advanceAsync(5_000 + seed * 97);
      cutOff.partition('hang');
      const crashedAt = clock.now();
      let electedAt = Number.NaN;
      void follower.then(() => {
        electedAt = clock.now();
      });
      while (Number.isNaN(electedAt)) await clock.advanceAsync(50);
      expect(first.signal.aborted).toBe(true);
      failovers.push(electedAt - crashedAt);
    }
    // The store frees the lease 15 s after the last renewal (at most 2 s before the cut);
    // the follower then needs at most one jittered retry period (2 s × 2.2).
    for (const failover of failovers) {
      expect(failover).toBeGreaterThanOrEqual(15_000 - 2_000);
      expect(failover).toBeLessThanOrEqual(15_000 + 4_400 + 50);
    }
  });

  it('rejects a campaign cancelled by its signal and can campaign again', async () => {
    const clock = new VirtualClock();
    const store = new InMemoryLeaseStore({ clock });
    await store.tryAcquire('x', 'other', 10_000);
    const elector = new LeaderElector(store, 'x', { id: 'a', clock });
    const controller = new AbortController();
    const campaign = elector.campaign({ signal: controller.signal }).catch((e: unknown) => e);
    await clock.advanceAsync(3_000);
    controller.abort(new TimeoutError(3_000));
    expect(await campaign).toBeInstanceOf(TimeoutError);
    expect(elector.state.kind).toBe('idle');
    const again = elector.campaign();
    await clock.advanceAsync(12_000);
    expect((await again).epoch).toBe(2n);
  });

  it('has a guard for its error', () => {
    expect(isLeadershipLostError(new LeadershipLostError('x', 1n, 'resigned'))).toBe(true);
    expect(isLeadershipLostError(new TimeoutError(1))).toBe(false);
    expect(isLeadershipLostError(new Error('x'))).toBe(false);
  });
});
