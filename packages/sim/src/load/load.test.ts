import { describe, expect, it } from 'vitest';
import { constant } from '../distributions.js';
import { Simulator } from '../engine/simulator.js';
import { closedLoop, openLoop } from './load.js';
import { constantRate, ramp, spike } from './rate-schedule.js';

async function arrivals(schedule: Parameters<typeof openLoop>[1], durationMs: number, seed = 1) {
  const sim = new Simulator({ seed });
  const times: number[] = [];
  openLoop(sim, schedule, () => times.push(sim.now()));
  await sim.run(durationMs);
  return times;
}

describe('openLoop', () => {
  it('produces Poisson arrivals at the configured rate', async () => {
    const times = await arrivals(constantRate(200), 100_000);
    expect(times.length / 20_000).toBeCloseTo(1, 1);
    // Exponential gaps: the coefficient of variation is 1.
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(sd / mean).toBeCloseTo(1, 1);
  });

  it('follows a ramp and a spike', async () => {
    const ramped = await arrivals(ramp(0, 200, 0, 100_000), 100_000);
    expect(ramped.length / 10_000).toBeCloseTo(1, 1); // integral of the ramp
    const firstHalf = ramped.filter((t) => t < 50_000).length;
    expect(firstHalf / ramped.length).toBeCloseTo(0.25, 1);
    const spiky = await arrivals(spike(10, 1_000, 10_000, 1_000), 20_000);
    const inSpike = spiky.filter((t) => t >= 10_000 && t < 11_000).length;
    expect(inSpike).toBeGreaterThan(850);
    expect(spiky.length - inSpike).toBeLessThan(260);
  });

  it('keeps its rate on a coarse simulator clock', async () => {
    const sim = new Simulator({ seed: 1, resolutionMs: 5 });
    let n = 0;
    openLoop(sim, constantRate(1_000), () => n++);
    await sim.run(20_000);
    expect(n / 20_000).toBeCloseTo(1, 1);
  });

  it('stops on request and at stopAt', async () => {
    const sim = new Simulator();
    let n = 0;
    const load = openLoop(sim, constantRate(1_000), () => n++, { stopAt: 1_000 });
    await sim.run(5_000);
    expect(n).toBe(load.started);
    expect(n).toBeLessThan(1_200);
    load.stop();
    expect(() => openLoop(sim, constantRate(1), () => {}, { stopAt: Number.NaN })).toThrow(/stopAt/);
  });
});

describe('closedLoop', () => {
  it('each client keeps one request outstanding and thinks between them', async () => {
    const sim = new Simulator();
    let outstanding = 0;
    let most = 0;
    const load = closedLoop(sim, { clients: 4, thinkTime: constant(50) }, async () => {
      outstanding++;
      most = Math.max(most, outstanding);
      await sim.sleep(50);
      outstanding--;
    });
    await sim.run(10_000);
    expect(most).toBe(4);
    // Each client cycles every 100 ms.
    expect(load.started).toBeGreaterThanOrEqual(4 * 99);
    expect(load.started).toBeLessThanOrEqual(4 * 100);
  });

  it('keeps going after failures', async () => {
    const sim = new Simulator();
    const load = closedLoop(sim, { clients: 1, thinkTime: constant(10) }, () =>
      Promise.reject(new Error('x')),
    );
    await sim.run(100);
    expect(load.started).toBe(10);
    expect(() => closedLoop(sim, { clients: -1, thinkTime: constant(1) }, async () => {})).toThrow(/clients/);
    expect(() => closedLoop(sim, { clients: 1, thinkTime: 3 as never }, async () => {})).toThrow(/thinkTime/);
  });
});
