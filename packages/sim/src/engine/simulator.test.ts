import { isInvalidOptionError } from '@keel/core/errors';
import { describe, expect, it } from 'vitest';
import { isSimulatorBusyError } from '../errors.js';
import { Simulator } from './simulator.js';

describe('Simulator', () => {
  it('runs async code in virtual time, continuations seeing the right instant', async () => {
    const sim = new Simulator();
    const log: string[] = [];
    const task = (async () => {
      for (let i = 0; i < 3; i++) {
        await sim.sleep(100);
        // A few extra hops between touches of the simulator.
        await Promise.resolve();
        await (async () => {})();
        log.push(`tick@${sim.now()}`);
      }
    })();
    await sim.run(1_000);
    await task;
    expect(log).toEqual(['tick@100', 'tick@200', 'tick@300']);
    expect(sim.now()).toBe(1_000);
  });

  it('a chain deeper than quietTurns resumes late; raising quietTurns fixes it', async () => {
    const observe = async (quietTurns: number) => {
      const sim = new Simulator({ quietTurns });
      let seen = -1;
      void (async () => {
        await sim.sleep(10);
        for (let i = 0; i < 30; i++) await undefined; // 30 turns without touching the simulator
        seen = sim.now();
      })();
      sim.schedule(50, () => {}, undefined);
      await sim.run(100);
      for (let i = 0; i < 50; i++) await undefined; // let a late chain finish
      return seen;
    };
    expect(await observe(64)).toBe(10);
    expect(await observe(4)).toBe(100);
  });

  it('adaptive quiet learns a deep chain from a checking flush, exact mode never misses it', async () => {
    const lateChains = async (adaptiveQuiet: boolean) => {
      const sim = new Simulator({ quietTurns: 32, adaptiveQuiet });
      const late: number[] = [];
      for (let i = 0; i < 400; i++) {
        sim.clock.setTimeout(() => {
          void (async () => {
            const expected = sim.now();
            // After warm-up, resumed chains grow deep: 12 turns without touching the simulator.
            if (i >= 100) for (let k = 0; k < 12; k++) await undefined;
            if (sim.now() !== expected) late.push(i);
          })();
        }, 10 * i);
      }
      await sim.run(10_000);
      return late;
    };
    expect(await lateChains(false)).toEqual([]);
    const late = await lateChains(true);
    // Some resume late until a checking flush (one in 32) sees the deeper gap; none after.
    expect(late.length).toBeGreaterThan(0);
    expect(late.length).toBeLessThanOrEqual(32);
    expect(Math.max(...late)).toBeLessThan(140);
  });

  it('orders equal-time events by scheduling order and stops at the horizon', async () => {
    const sim = new Simulator();
    const order: number[] = [];
    for (let i = 0; i < 5; i++) sim.schedule(10, (n: number) => order.push(n), i);
    sim.schedule(20, (n: number) => order.push(n), 99);
    await sim.run(15);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(sim.stats.pending).toBe(1);
    await sim.run(Number.POSITIVE_INFINITY);
    expect(order.at(-1)).toBe(99);
    expect(sim.now()).toBe(20);
  });

  it('gives cancellable timers through its clock', async () => {
    const sim = new Simulator();
    let fired = 0;
    const handle = sim.clock.setTimeout(() => fired++, 50);
    sim.clock.setTimeout(() => fired++, 60);
    handle.clear();
    handle.clear();
    await sim.run(100);
    expect(fired).toBe(1);
  });

  it('skewed clocks read offset and drifted time and scale their timers', async () => {
    const sim = new Simulator();
    const clock = sim.skewedClock(500, 100_000); // +500 ms, 10% fast
    expect(clock.now()).toBe(500);
    let firedAt = -1;
    clock.setTimeout(() => {
      firedAt = sim.now();
    }, 110);
    await sim.run(1_000);
    expect(firedAt).toBeCloseTo(100, 9);
    expect(clock.now()).toBeCloseTo(1_000 + 500 + 100, 9);
  });

  it('reports progress and awaits it', async () => {
    const sim = new Simulator();
    const seen: number[] = [];
    for (let t = 0; t < 1_000; t += 10) sim.schedule(t, () => {}, undefined);
    await sim.run(1_000, {
      progressEveryMs: 250,
      onProgress: async (p) => {
        seen.push(p.fraction);
      },
    });
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen.at(-1)).toBe(1);
  });

  it('rejects bad options naming the field', () => {
    expect(() => new Simulator({ quietTurns: 0 })).toThrow(/quietTurns/);
    expect(() => new Simulator({ adaptiveQuiet: 1 } as never)).toThrow(/adaptiveQuiet/);
    expect(() => new Simulator({ startMs: Number.NaN })).toThrow(/startMs/);
    expect(() => new Simulator({ bogus: 1 } as never)).toThrow(/bogus/);
    expect(() => new Simulator({ seed: Number.NaN })).toThrow(/seed/);
    expect(() => new Simulator({ seed: {} as never })).toThrow(/seed/);
    try {
      new Simulator({ quietTurns: 0 });
    } catch (error) {
      expect(isInvalidOptionError(error)).toBe(true);
    }
  });

  it('equal seeds give equal generators', () => {
    const a = new Simulator({ seed: 'x' }).fork();
    const b = new Simulator({ seed: 'x' }).fork();
    expect(a.next()).toBe(b.next());
  });
});

describe('Simulator resolution', () => {
  it('rounds event times up to whole ticks, which then share an instant', async () => {
    const sim = new Simulator({ resolutionMs: 10 });
    const seen: number[] = [];
    sim.schedule(3, () => seen.push(sim.now()), undefined);
    sim.schedule(10, () => seen.push(sim.now()), undefined);
    sim.schedule(10.5, () => seen.push(sim.now()), undefined);
    sim.clock.setTimeout(() => seen.push(sim.now()), 0);
    await sim.run(100);
    expect(seen).toEqual([0, 10, 10, 20]);
    expect(() => new Simulator({ resolutionMs: -1 })).toThrow(/resolutionMs/);
  });
});

describe('Simulator failures', () => {
  it('refuses overlapping runs', async () => {
    const sim = new Simulator();
    const first = sim.run(10);
    await expect(sim.run(20)).rejects.toSatisfy(isSimulatorBusyError);
    await first;
    await sim.run(20);
    expect(sim.now()).toBe(20);
  });

  it('rejects the run when an event throws, and can run again', async () => {
    const sim = new Simulator();
    sim.schedule(
      5,
      () => {
        throw new RangeError('boom');
      },
      undefined,
    );
    await expect(sim.run(10)).rejects.toThrow('boom');
    await sim.run(20);
    expect(sim.now()).toBe(20);
  });
});
