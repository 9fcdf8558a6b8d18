import { isInvalidOptionError } from '@keel/core/errors';
import { describe, expect, it } from 'vitest';
import { constant, uniform } from '../distributions.js';
import { Simulator } from '../engine/simulator.js';
import { type Message, Network } from './network.js';

function setup(seed = 1, latency = constant(10)) {
  const sim = new Simulator({ seed });
  const net = new Network(sim, { defaultLink: { latency } });
  const received: { m: Message; at: number }[] = [];
  for (const n of ['a', 'b', 'c']) net.node(n).onMessage((m) => received.push({ m, at: sim.now() }));
  return { sim, net, received };
}

describe('Network', () => {
  it('delivers after the link latency', async () => {
    const { sim, net, received } = setup();
    expect(net.send('a', 'b', 'x')).toBe(true);
    await sim.run(100);
    expect(received.map((r) => [r.m.payload, r.at, r.m.to])).toEqual([['x', 10, 'b']]);
    expect(net.stats.delivered).toBe(1);
  });

  it('a symmetric partition drops both ways until healed', async () => {
    const { sim, net, received } = setup();
    const p = net.partition(['a'], ['b']);
    expect(net.send('a', 'b', 1)).toBe(false);
    expect(net.send('b', 'a', 2)).toBe(false);
    expect(net.send('a', 'c', 3)).toBe(true); // c is on neither side
    await sim.run(50);
    p.heal();
    p.heal();
    expect(p.active).toBe(false);
    net.send('a', 'b', 4);
    await sim.run(100);
    expect(received.map((r) => r.m.payload)).toEqual([3, 4]);
    expect(net.stats.blocked).toBe(2);
  });

  it('a one-way partition blocks one direction only', async () => {
    const { sim, net, received } = setup();
    net.partition(['a'], ['b'], { oneWay: true });
    net.send('a', 'b', 'lost');
    net.send('b', 'a', 'kept');
    await sim.run(50);
    expect(received.map((r) => r.m.payload)).toEqual(['kept']);
  });

  it('overlapping partitions make a partial split that heals piece by piece', async () => {
    const { sim, net, received } = setup();
    const ab = net.partition(['a'], ['b']);
    const ac = net.partition(['a', 'b'], ['c']);
    expect(net.canReach('a', 'b')).toBe(false);
    ab.heal();
    expect(net.canReach('a', 'b')).toBe(true);
    expect(net.canReach('b', 'c')).toBe(false);
    ac.heal();
    expect(net.canReach('b', 'c')).toBe(true);
    await sim.run(10);
    expect(received).toEqual([]);
  });

  it('drops messages in flight when a partition starts before delivery', async () => {
    const { sim, net, received } = setup();
    net.send('a', 'b', 'in flight');
    sim.schedule(5, () => net.isolate('b'), undefined);
    await sim.run(50);
    expect(received).toEqual([]);
    expect(net.stats.blocked).toBe(1);
  });

  it('drops messages to a node that is down', async () => {
    const { sim, net, received } = setup();
    net.get('b').up = false;
    net.send('a', 'b', 1);
    await sim.run(50);
    expect(received).toEqual([]);
    expect(net.stats.undeliverable).toBe(1);
  });

  it('loses and duplicates messages at the configured rates', async () => {
    const { sim, net, received } = setup(7);
    net.link('a', 'b', { loss: 0.2, duplicate: 0.1 });
    const n = 20_000;
    for (let i = 0; i < n; i++) net.send('a', 'b', i);
    await sim.run(1_000);
    expect(net.stats.lost / n).toBeGreaterThan(0.19);
    expect(net.stats.lost / n).toBeLessThan(0.21);
    expect(net.stats.duplicated / (n - net.stats.lost)).toBeCloseTo(0.1, 1);
    expect(received.length).toBe(n - net.stats.lost + net.stats.duplicated);
    const copies = received.filter((r) => r.m.duplicate).length;
    expect(copies).toBe(net.stats.duplicated);
  });

  it('keeps FIFO order under jitter unless reordering is on', async () => {
    const inversions = async (reorder: number) => {
      const { sim, net, received } = setup(3, uniform(5, 50));
      net.link('a', 'b', { reorder });
      for (let i = 0; i < 2_000; i++) sim.schedule(i, (n: number) => net.send('a', 'b', n), i);
      await sim.run(10_000);
      let count = 0;
      let highest = -1;
      for (const r of received) {
        const n = r.m.payload as number;
        if (n < highest) count++;
        highest = Math.max(highest, n);
      }
      return { count, reordered: net.stats.reordered, delivered: received.length };
    };
    const fifo = await inversions(0);
    expect(fifo).toEqual({ count: 0, reordered: 0, delivered: 2_000 });
    const shuffled = await inversions(0.3);
    expect(shuffled.reordered / 2_000).toBeCloseTo(0.3, 1);
    expect(shuffled.count).toBeGreaterThan(0);
    expect(shuffled.delivered).toBe(2_000);
  });

  it('serializes messages through a link of finite bandwidth', async () => {
    const { sim, net, received } = setup(1, constant(0));
    net.link('a', 'b', { bandwidth: 100 }); // 100 bytes per ms
    for (let i = 0; i < 3; i++) net.send('a', 'b', i, 1_000);
    await sim.run(100);
    expect(received.map((r) => r.at)).toEqual([10, 20, 30]);
  });

  it('gives each node a skewed clock', () => {
    const sim = new Simulator();
    const net = new Network(sim);
    net.node('fast', { skewMs: 250 });
    expect(net.clockOf('fast').now()).toBe(250);
    expect(net.node('plain').clock.now()).toBe(0);
  });

  it('restores a link configuration', async () => {
    const { sim, net, received } = setup();
    const undo = net.linkBoth('a', 'b', { latency: constant(40) });
    expect(net.linkOptions('b', 'a').latency.mean).toBe(40);
    undo();
    net.send('a', 'b', 'x');
    await sim.run(20);
    expect(received[0]!.at).toBe(10);
  });

  it('rejects bad link options and unknown nodes naming the field', () => {
    const { net } = setup();
    for (const [options, field] of [
      [{ loss: 2 }, 'loss'],
      [{ duplicate: -1 }, 'duplicate'],
      [{ reorder: 'x' }, 'reorder'],
      [{ bandwidth: 0 }, 'bandwidth'],
      [{ latency: 5 }, 'latency'],
      [{ jitter: 1 }, 'jitter'],
    ] as const) {
      try {
        net.link('a', 'b', options as never);
        expect.unreachable(field);
      } catch (error) {
        expect(isInvalidOptionError(error)).toBe(true);
        expect(String(error)).toContain(field);
      }
    }
    expect(() => net.send('a', 'zzz', 1)).toThrow(/node/);
  });
});
