import { describe, expect, it } from 'vitest';
import { constant } from './distributions.js';
import { World } from './world.js';

describe('World', () => {
  it('tracks outcomes, latencies and done lines, including synchronous throws', async () => {
    const world = new World({ seed: 1, trace: { kinds: ['done'] }, defaultLink: { latency: constant(5) } });
    world.service('api', { serviceTime: constant(10), errorRate: 0 });
    world.track('call', () => world.call('client', 'api', 1));
    world.track('call', () => {
      throw new Error('sync');
    });
    await world.run(100);
    const m = world.metrics.snapshot();
    expect(m.counters).toMatchObject({ 'call.ok': 1, 'call.failed': 1 });
    expect(m.histograms['call.latency']!.max).toBe(20);
    expect(world.trace!.lines).toEqual([
      '{"t":0,"k":"done","ms":0,"name":"call","ok":false}',
      '{"t":20,"k":"done","ms":20,"name":"call","ok":true}',
    ]);
  });

  it('samples service gauges once per window', async () => {
    const world = new World({ windowMs: 100, defaultLink: { latency: constant(0) } });
    world.service('api', { concurrency: 1, serviceTime: constant(1_000) });
    for (let i = 0; i < 3; i++) void world.call('client', 'api', i);
    await world.run(300);
    const s = world.metrics.series(false);
    expect(s.columns['api.busy']).toEqual([1, 1, 1]);
    expect(s.columns['api.queued']).toEqual([2, 2, 2]);
  });

  it('rejects bad options', () => {
    expect(() => new World({ windowMs: 0 })).toThrow(/windowMs/);
    expect(() => new World({ trace: 3 as never })).toThrow(/trace/);
    expect(() => new World({ colour: 'red' } as never)).toThrow(/colour/);
    expect(() => new World().sample('x', () => 1, 0)).toThrow(/everyMs/);
  });
});
