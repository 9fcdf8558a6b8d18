import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInvalidOptionError } from '../../../errors/index.js';
import { CountWindow, countWindow } from './count-window.js';

describe('countWindow', () => {
  it('waits for the minimum number of calls, then opens at the failure rate', () => {
    const policy = countWindow({ size: 10, minimumCalls: 4, failureRateThreshold: 0.5 });
    expect(policy.failure(0)).toBe(false);
    expect(policy.failure(0)).toBe(false);
    expect(policy.success(0)).toBe(false);
    // 3 of 4 failed: 75 % >= 50 %.
    expect(policy.failure(0)).toBe(true);
  });

  it('opens exactly at the threshold, not below it', () => {
    const policy = countWindow({ size: 4, minimumCalls: 4, failureRateThreshold: 0.5 });
    policy.success(0);
    policy.success(0);
    policy.success(0);
    expect(policy.failure(0)).toBe(false); // 1 of 4
    expect(policy.failure(0)).toBe(true); // 2 of 4 after evicting a success
  });

  it('forgets calls that slide out of the window', () => {
    const policy = countWindow({ size: 3, minimumCalls: 3, failureRateThreshold: 0.6 });
    policy.failure(0);
    policy.failure(0);
    policy.success(0);
    policy.success(0);
    policy.success(0);
    expect(policy.metrics()).toMatchObject({ calls: 3, failures: 0 });
    expect(policy.failure(0)).toBe(false);
    expect(policy.failure(0)).toBe(true);
  });

  it('counts slow calls and opens at the slow-call rate', () => {
    const policy = countWindow({
      size: 4,
      minimumCalls: 2,
      slowCallDurationMs: 100,
      slowCallRateThreshold: 0.5,
    });
    expect(policy.usesDuration).toBe(true);
    expect(policy.success(100)).toBe(false); // not slower than the threshold
    expect(policy.success(101)).toBe(true);
    expect(policy.metrics()).toMatchObject({ calls: 2, slowCalls: 1, failures: 0, slowCallRate: 0.5 });
    policy.reset();
    policy.failure(500);
    expect(policy.metrics()).toMatchObject({ calls: 1, slowCalls: 1, failures: 1 });
  });

  it('does not time calls when slow-call counting is off, and allocates nothing before the first call', () => {
    const policy = new CountWindow();
    expect(policy.usesDuration).toBe(false);
    expect(policy.minimumCalls).toBe(100);
    expect(policy.toJSON()).toEqual({ kind: 'count-window', outcomes: [] });
    expect(countWindow({ size: 10 }).minimumCalls).toBe(10);
  });

  it('keeps O(1) totals equal to a recount of the last size outcomes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 })), { maxLength: 60 }),
        (size, calls) => {
          const policy = countWindow({ size, minimumCalls: 1, slowCallDurationMs: 10 });
          for (const [failed, duration] of calls) {
            if (failed) policy.failure(duration);
            else policy.success(duration);
          }
          const last = calls.slice(Math.max(0, calls.length - size));
          const metrics = policy.metrics();
          expect(metrics.calls).toBe(last.length);
          expect(metrics.failures).toBe(last.filter(([f]) => f).length);
          expect(metrics.slowCalls).toBe(last.filter(([, d]) => d > 10).length);
          expect(policy.toJSON().outcomes).toEqual(last.map(([f, d]) => (f ? 1 : 0) | (d > 10 ? 2 : 0)));
        },
      ),
    );
  });

  it('round-trips through JSON, keeping the newest calls when sizes differ', () => {
    const policy = countWindow({ size: 5, minimumCalls: 1 });
    policy.failure(0);
    policy.success(0);
    policy.failure(0);
    const snapshot = JSON.parse(JSON.stringify(policy.toJSON()));
    const same = countWindow({ size: 5, minimumCalls: 1 });
    same.hydrate(snapshot, 0, 'h');
    expect(same.metrics()).toEqual(policy.metrics());
    const smaller = countWindow({ size: 2, minimumCalls: 1 });
    smaller.hydrate(snapshot, 0, 'h');
    expect(smaller.toJSON().outcomes).toEqual([0, 1]);
    expect(() => same.hydrate({ kind: 'count-window', outcomes: [0, 4] }, 0, 'h')).toThrow(/"h\.outcomes"/);
    expect(() => same.hydrate({ kind: 'count-window' }, 0, 'h')).toThrow(/"h\.outcomes"/);
  });

  it.each([
    [{ size: 0 }, 'size'],
    [{ size: 2.5 }, 'size'],
    [{ size: 5, minimumCalls: 6 }, 'minimumCalls'],
    [{ minimumCalls: 0 }, 'minimumCalls'],
    [{ failureRateThreshold: 0 }, 'failureRateThreshold'],
    [{ failureRateThreshold: 1.5 }, 'failureRateThreshold'],
    [{ slowCallDurationMs: -1 }, 'slowCallDurationMs'],
    [{ slowCallRateThreshold: 0 }, 'slowCallRateThreshold'],
    [{ windowSize: 10 }, 'countWindow.windowSize'],
  ])('rejects %j naming %s', (options, field) => {
    try {
      countWindow(options as never);
      expect.unreachable();
    } catch (error) {
      expect(isInvalidOptionError(error) && error.field).toBe(field);
    }
  });
});
