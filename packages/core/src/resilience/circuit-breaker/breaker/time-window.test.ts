import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInvalidOptionError } from '../../../errors/index.js';
import { TimeWindow, timeWindow } from './time-window.js';

describe('timeWindow', () => {
  it('waits for the minimum throughput, then opens at the failure rate', () => {
    const policy = timeWindow({ samplingDurationMs: 1_000, minimumThroughput: 3, failureRateThreshold: 0.5 });
    expect(policy.failure(0, 0)).toBe(false);
    expect(policy.success(0, 10)).toBe(false);
    expect(policy.failure(0, 20)).toBe(true); // 2 of 3
  });

  it('forgets calls older than the sampling duration', () => {
    const policy = timeWindow({
      samplingDurationMs: 1_000,
      buckets: 10,
      minimumThroughput: 2,
      failureRateThreshold: 1,
    });
    policy.failure(0, 0);
    // 1000 ms later the first bucket has expired: this is the only call in the window.
    expect(policy.failure(0, 1_000)).toBe(false);
    expect(policy.metrics(1_000)).toMatchObject({ calls: 1, failures: 1 });
    expect(policy.failure(0, 1_050)).toBe(true);
    expect(policy.metrics(5_000).calls).toBe(0);
  });

  it('counts slow calls and can open on a slow success', () => {
    const policy = timeWindow({
      minimumThroughput: 2,
      failureRateThreshold: 1,
      slowCallDurationMs: 50,
      slowCallRateThreshold: 0.5,
    });
    expect(policy.usesDuration).toBe(true);
    expect(policy.success(10, 0)).toBe(false);
    expect(policy.success(80, 1)).toBe(true);
  });

  it('matches a recount of the calls in the current and the last buckets - 1 buckets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.boolean()), { maxLength: 40 }),
        (buckets, steps) => {
          const bucketMs = 100;
          const policy = timeWindow({
            samplingDurationMs: bucketMs * buckets,
            buckets,
            minimumThroughput: 1,
          });
          let now = 0;
          const calls: { at: number; failed: boolean }[] = [];
          for (const [advance, failed] of steps) {
            now += advance;
            if (failed) policy.failure(0, now);
            else policy.success(0, now);
            calls.push({ at: now, failed });
          }
          const newest = Math.floor(now / bucketMs);
          const live = calls.filter((c) => Math.floor(c.at / bucketMs) > newest - buckets);
          const metrics = policy.metrics(now);
          expect(metrics.calls).toBe(live.length);
          expect(metrics.failures).toBe(live.filter((c) => c.failed).length);
        },
      ),
    );
  });

  it('round-trips through JSON onto a clock with another origin', () => {
    const policy = timeWindow({ samplingDurationMs: 1_000, minimumThroughput: 1 });
    policy.failure(0, 10_000);
    policy.success(0, 10_450);
    policy.success(0, 10_900);
    const snapshot = JSON.parse(JSON.stringify(policy.toJSON(10_950)));
    const copy = timeWindow({ samplingDurationMs: 1_000, minimumThroughput: 1 });
    copy.hydrate(snapshot, 500_000, 'h');
    expect(copy.metrics(500_000)).toEqual(policy.metrics(10_950));
    // Time keeps sliding on the new clock: the oldest call expires first.
    expect(copy.metrics(500_400)).toMatchObject({ calls: 2, failures: 0 });
    expect(copy.metrics(500_980)).toMatchObject({ calls: 1, failures: 0 });
  });

  it('rejects malformed bucket snapshots naming the field', () => {
    const policy = new TimeWindow();
    expect(() => policy.hydrate({ kind: 'time-window' }, 0, 'h')).toThrow(/"h\.buckets"/);
    expect(() => policy.hydrate({ kind: 'time-window', buckets: [1] }, 0, 'h')).toThrow(/"h\.buckets\[0\]"/);
    const bucket = { ageMs: 0, calls: 2, failures: 1, slowCalls: 0 };
    expect(() =>
      policy.hydrate({ kind: 'time-window', buckets: [{ ...bucket, ageMs: 'x' }] }, 0, 'h'),
    ).toThrow(/h\.buckets\[0\]\.ageMs/);
    expect(() =>
      policy.hydrate({ kind: 'time-window', buckets: [{ ...bucket, failures: 3 }] }, 0, 'h'),
    ).toThrow(/h\.buckets\[0\]\.failures/);
    expect(() =>
      policy.hydrate({ kind: 'time-window', buckets: [{ ...bucket, calls: -1 }] }, 0, 'h'),
    ).toThrow(/h\.buckets\[0\]\.calls/);
  });

  it('uses Polly defaults', () => {
    const policy = new TimeWindow();
    expect([
      policy.samplingDurationMs,
      policy.minimumThroughput,
      policy.failureRateThreshold,
      policy.buckets,
    ]).toEqual([30_000, 100, 0.1, 10]);
    expect(policy.usesTime).toBe(true);
    expect(policy.usesDuration).toBe(false);
  });

  it.each([
    [{ samplingDurationMs: 0 }, 'samplingDurationMs'],
    [{ samplingDurationMs: Number.POSITIVE_INFINITY }, 'samplingDurationMs'],
    [{ minimumThroughput: 0 }, 'minimumThroughput'],
    [{ failureRateThreshold: 0 }, 'failureRateThreshold'],
    [{ buckets: 0 }, 'buckets'],
    [{ buckets: 1.5 }, 'buckets'],
    [{ slowCallDurationMs: -5 }, 'slowCallDurationMs'],
    [{ slowCallRateThreshold: 2 }, 'slowCallRateThreshold'],
    [{ window: 5 }, 'timeWindow.window'],
  ])('rejects %j naming %s', (options, field) => {
    try {
      timeWindow(options as never);
      expect.unreachable();
    } catch (error) {
      expect(isInvalidOptionError(error) && error.field).toBe(field);
    }
  });
});
