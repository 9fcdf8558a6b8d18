import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics.js';

function fakeTime(): { now(): number; t: number } {
  return {
    t: 0,
    now() {
      return this.t;
    },
  };
}

describe('Metrics', () => {
  it('counts per window and in total', () => {
    const time = fakeTime();
    const m = new Metrics(time, { windowMs: 100 });
    const c = m.counter('ok');
    c.inc();
    c.inc(2);
    time.t = 250; // skips window 1 entirely
    c.inc();
    time.t = 320;
    const s = m.series();
    expect(s.t).toEqual([0, 100, 200, 300]);
    expect(s.columns.ok).toEqual([3, 0, 1, 0]);
    expect(m.series(false).columns.ok).toEqual([3, 0, 1]);
    expect(m.snapshot().counters.ok).toBe(4);
    // Reading a series does not disturb the window in progress.
    c.inc(5);
    time.t = 400;
    expect(m.series(false).columns.ok).toEqual([3, 0, 1, 5]);
  });

  it('gauges report the value at each window end and the maximum', () => {
    const time = fakeTime();
    const m = new Metrics(time, { windowMs: 10 });
    const g = m.gauge('queue');
    g.set(3);
    g.add(4);
    time.t = 15;
    g.add(-6);
    time.t = 20;
    expect(m.series(false).columns.queue).toEqual([7, 1]);
    expect(m.snapshot().gauges.queue).toEqual({ value: 1, max: 7 });
  });

  it('latency recorders give per-window percentiles, NaN for empty windows', () => {
    const time = fakeTime();
    const m = new Metrics(time, { windowMs: 1000 });
    const r = m.latency('latency');
    for (let i = 1; i <= 100; i++) r.record(i);
    time.t = 2500;
    r.record(1000);
    const s = m.series();
    expect(s.columns['latency.count']).toEqual([100, 0, 1]);
    expect(s.columns['latency.p50']![0]! / 50).toBeCloseTo(1, 1);
    expect(s.columns['latency.p99']![1]).toBeNaN();
    expect(s.columns['latency.max']).toEqual([100, Number.NaN, 1000]);
    const total = m.snapshot().histograms.latency!;
    expect(total.count).toBe(101);
    expect(total.max).toBe(1000);
  });

  it('a metric created late has zeros for earlier windows', () => {
    const time = fakeTime();
    const m = new Metrics(time, { windowMs: 10 });
    time.t = 35;
    m.counter('late').inc();
    expect(m.series().columns.late).toEqual([0, 0, 0, 1]);
  });

  it('rejects bad options naming the field', () => {
    expect(() => new Metrics(fakeTime(), { windowMs: 0 })).toThrow(/windowMs/);
    expect(() => new Metrics(fakeTime(), { relativeError: 1 })).toThrow(/relativeError/);
    expect(() => new Metrics(fakeTime(), { nope: 1 } as never)).toThrow(/nope/);
  });
});
