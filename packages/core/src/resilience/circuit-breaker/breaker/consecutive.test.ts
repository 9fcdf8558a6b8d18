import { describe, expect, it } from 'vitest';
import { isInvalidOptionError } from '../../../errors/index.js';
import { ConsecutiveFailures, consecutiveFailures } from './consecutive.js';

describe('consecutiveFailures', () => {
  it('opens on the threshold-th failure in a row', () => {
    const policy = consecutiveFailures(3);
    expect(policy.failure()).toBe(false);
    expect(policy.failure()).toBe(false);
    expect(policy.failure()).toBe(true);
  });

  it('starts counting again after a success or a reset', () => {
    const policy = consecutiveFailures(2);
    policy.failure();
    expect(policy.success()).toBe(false);
    expect(policy.failure()).toBe(false);
    policy.reset();
    expect(policy.failure()).toBe(false);
    expect(policy.failure()).toBe(true);
  });

  it('defaults to 5 and reports its count', () => {
    const policy = new ConsecutiveFailures();
    expect(policy.threshold).toBe(5);
    policy.failure();
    policy.failure();
    expect(policy.metrics()).toMatchObject({ calls: 2, failures: 2, failureRate: 1 });
    policy.success();
    expect(policy.metrics().failureRate).toBeNaN();
  });

  it('round-trips its snapshot and rejects a malformed one', () => {
    const policy = consecutiveFailures(3);
    policy.failure();
    policy.failure();
    const copy = consecutiveFailures(3);
    copy.hydrate(JSON.parse(JSON.stringify(policy.toJSON())), 0, 'h');
    expect(copy.failure()).toBe(true);
    expect(() => copy.hydrate({ kind: 'consecutive', failures: -1 }, 0, 'h')).toThrow(/"h\.failures"/);
  });

  it.each([0, 1.5, -2, Number.NaN, '3'])('rejects threshold %s', (threshold) => {
    try {
      consecutiveFailures(threshold as number);
      expect.unreachable();
    } catch (error) {
      expect(isInvalidOptionError(error) && error.field).toBe('threshold');
    }
  });
});
