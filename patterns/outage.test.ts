import { constant, resolveKnobs, World } from '@keel/sim';
import { describe, expect, it } from 'vitest';
import { crashForOutage, inOutage, outageKnobs } from './outage.js';

describe('outage', () => {
  it('offers a start at 5 s and the given length as knob defaults, both validated', () => {
    const knobs = outageKnobs(10_000);
    expect(resolveKnobs(knobs)).toEqual({ outageStartMs: 5_000, outageMs: 10_000 });
    expect(resolveKnobs(outageKnobs(2_000)).outageMs).toBe(2_000);
    expect(() => resolveKnobs(knobs, { outageMs: -1 })).toThrow(/knobs\.outageMs/);
  });

  it('holds a moment from its start up to, not including, its end', () => {
    const outage = { outageStartMs: 1_000, outageMs: 2_000 };
    expect(inOutage(outage, 999)).toBe(false);
    expect(inOutage(outage, 1_000)).toBe(true);
    expect(inOutage(outage, 2_999)).toBe(true);
    expect(inOutage(outage, 3_000)).toBe(false);
    expect(inOutage({ outageStartMs: 1_000, outageMs: 0 }, 1_000)).toBe(false);
  });

  for (const outageMs of [0, 2_000]) {
    it(`crashes the service for the outage and no longer (${outageMs} ms)`, async () => {
      const world = new World({ seed: 1, defaultLink: { latency: constant(1) } });
      world.service('api', { serviceTime: constant(5) });
      world.node('client');
      crashForOutage(world, 'api', { outageStartMs: 1_000, outageMs });
      // A crashed service answers nothing: only the calls outside the outage come back.
      const answered: number[] = [];
      for (const at of [500, 1_500, 2_900, 3_500])
        world.sim.scheduleAt(
          at,
          () => void world.call('client', 'api', 'work').then(() => answered.push(at)),
          undefined,
        );
      await world.run(5_000);
      expect(answered).toEqual(outageMs === 0 ? [500, 1_500, 2_900, 3_500] : [500, 3_500]);
    });
  }
});
