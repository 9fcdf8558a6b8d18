import { InvalidOptionError, TimeoutError } from '@keel/core/errors';
import { describe, expect, it } from 'vitest';
import { isMetricUnavailableError, MetricUnavailableError } from './errors.js';

describe('MetricUnavailableError', () => {
  it('names the metric and the reason, keeps the cause, and its guard accepts only it', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new MetricUnavailableError('queue-depth', 'broker unreachable', { cause });
    expect(error).toMatchObject({
      name: 'MetricUnavailableError',
      code: 'KEEL_METRIC_UNAVAILABLE',
      metric: 'queue-depth',
      reason: 'broker unreachable',
      cause,
    });
    expect(error.message).toContain('queue-depth');
    expect(isMetricUnavailableError(error)).toBe(true);
    expect(isMetricUnavailableError(new InvalidOptionError('x', 1, 'y'))).toBe(false);
    expect(isMetricUnavailableError(new TimeoutError(10))).toBe(false);
    expect(isMetricUnavailableError(new Error('KEEL_METRIC_UNAVAILABLE'))).toBe(false);
  });
});
