import { describe, expect, it } from 'vitest';
import { isKeelError, TimeoutError } from '../../errors/index.js';
import {
  InvalidRateLimitHeaderError,
  isInvalidRateLimitHeaderError,
  isRateLimitedError,
  RateLimitedError,
} from './errors.js';

describe('rate limiter errors', () => {
  const limited = new RateLimitedError('user-1', 250, 10);
  const header = new InvalidRateLimitHeaderError('RateLimit', '"x";t=1', 'missing r');

  it('carry their code, name and context', () => {
    expect(limited).toMatchObject({
      name: 'RateLimitedError',
      code: 'KEEL_RATE_LIMITED',
      key: 'user-1',
      retryAfterMs: 250,
    });
    expect(limited.message).toContain('retry after 250 ms');
    expect(new RateLimitedError('k', Number.POSITIVE_INFINITY, 1).message).toContain('never');
    expect(header).toMatchObject({
      code: 'KEEL_INVALID_RATE_LIMIT_HEADER',
      header: 'RateLimit',
      problem: 'missing r',
    });
    expect(isKeelError(limited) && isKeelError(header)).toBe(true);
  });

  it('have guards that accept their own error only', () => {
    expect(isRateLimitedError(limited)).toBe(true);
    expect(isRateLimitedError(header)).toBe(false);
    expect(isInvalidRateLimitHeaderError(header)).toBe(true);
    expect(isInvalidRateLimitHeaderError(limited)).toBe(false);
    for (const other of [new Error('x'), new TimeoutError(1), null, 'KEEL_RATE_LIMITED']) {
      expect(isRateLimitedError(other)).toBe(false);
      expect(isInvalidRateLimitHeaderError(other)).toBe(false);
    }
  });
});
