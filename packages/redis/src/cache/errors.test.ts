import { AbortedError, InvalidOptionError, TimeoutError } from '@keel/core/errors';
import { describe, expect, it } from 'vitest';
import { isTwoTierStartError, TwoTierStartError } from './errors.js';

describe('two-tier cache errors', () => {
  it('TwoTierStartError names the stage and keeps the cause; only its guard accepts it', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const error = new TwoTierStartError('data connection', 'timeout', 2_000, cause);
    expect(error.name).toBe('TwoTierStartError');
    expect(error.code).toBe('KEEL_TWO_TIER_START');
    expect(error.stage).toBe('data connection');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe(
      'TwoTierCache.start: after 2000 ms, the data connection was not ready (last error: connect ECONNREFUSED 127.0.0.1:1)',
    );
    expect(new TwoTierStartError('invalidation connection', 'connection ended', 10).message).toBe(
      'TwoTierCache.start: the invalidation connection ended and will not reconnect',
    );
    expect(new TwoTierStartError('tracking', 'timeout', 10).message).toBe(
      'TwoTierCache.start: after 10 ms, the CLIENT TRACKING command had not succeeded',
    );
    expect(isTwoTierStartError(error)).toBe(true);
    expect(isTwoTierStartError(new AbortedError('x'))).toBe(false);
    expect(isTwoTierStartError(new TimeoutError(10))).toBe(false);
    expect(isTwoTierStartError(new InvalidOptionError('f', 1, 'x'))).toBe(false);
    expect(isTwoTierStartError(new Error('TwoTierCache.start'))).toBe(false);
    expect(isTwoTierStartError(null)).toBe(false);
  });
});
