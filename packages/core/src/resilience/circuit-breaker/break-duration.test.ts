import { describe, expect, it } from 'vitest';
import { isInvalidOptionError } from '../../errors/index.js';
import { exponentialBreakDuration } from './break-duration.js';

describe('exponentialBreakDuration', () => {
  it('grows by the factor per opening and stops at the cap', () => {
    const next = exponentialBreakDuration({ initialMs: 100, factor: 3, maxMs: 2_000 });
    expect([1, 2, 3, 4, 5].map(next)).toEqual([100, 300, 900, 2_000, 2_000]);
  });

  it('defaults to 5 s doubling up to 5 minutes', () => {
    const next = exponentialBreakDuration();
    expect(next(1)).toBe(5_000);
    expect(next(2)).toBe(10_000);
    expect(next(20)).toBe(300_000);
  });

  it.each([
    [{ initialMs: -1 }, 'initialMs'],
    [{ factor: 0.5 }, 'factor'],
    [{ initialMs: 100, maxMs: 50 }, 'maxMs'],
    [{ jitter: true }, 'exponentialBreakDuration.jitter'],
  ])('rejects %j naming %s', (options, field) => {
    try {
      exponentialBreakDuration(options as never);
      expect.unreachable();
    } catch (error) {
      expect(isInvalidOptionError(error) && error.field).toBe(field);
    }
  });
});
