/**
 * Three schedulers campaign for one leadership. The leader is cut off from the store (a
 * network partition): it stops acting at its renew deadline, before its lease can expire, and
 * one of the others is elected after the lease runs out, with a greater epoch that a fenced
 * resource can use to refuse the old leader. client-go's timings: 15 s / 10 s / 2 s.
 */

import { VirtualClock } from '@keel/core/clock';
import { InMemoryLeaseStore, PartitionableLeaseStore } from '@keel/core/distributed-lock';
import { LeaderElector, type Leadership } from '@keel/core/leader-election';
import { seededRandom } from '@keel/core/random';

export async function main() {
  const clock = new VirtualClock();
  const store = new InMemoryLeaseStore({ clock });
  const links = ['a', 'b', 'c'].map(() => new PartitionableLeaseStore(store));
  const timeline: string[] = [];
  const leaders: Leadership[] = [];

  const candidates = ['scheduler-a', 'scheduler-b', 'scheduler-c'].map((id, i) => {
    const elector = new LeaderElector(links[i]!, 'scheduler', { id, clock, random: seededRandom(i + 1) });
    elector.events((event) => {
      if (event.type === 'elected' || event.type === 'deposed')
        timeline.push(`${clock.now()} ms: ${id} ${event.type} (epoch ${event.epoch})`);
    });
    return elector;
  });
  for (const elector of candidates) void elector.campaign().then((leadership) => leaders.push(leadership));

  await clock.advanceAsync(30_000);
  const first = leaders[0]!;
  const firstIndex = candidates.findIndex((c) => c.state.kind === 'leader');
  links[firstIndex]!.partition('hang');
  const cutAt = clock.now();
  while (leaders.length < 2) await clock.advanceAsync(100);
  const second = leaders[1]!;

  return {
    timeline,
    oldLeaderSteppedDown: !first.isLeader,
    epochs: [first.epoch, second.epoch],
    failoverMs: timeline.length > 0 ? Number(timeline.at(-1)!.split(' ')[0]) - cutAt : Number.NaN,
  };
}
