import { describe, expect, it } from 'vitest';
import { InvalidOptionError, isKeelError, TimeoutError } from '../../errors/index.js';
import { isRetryAfterExceedsDeadlineError, RetryAfterExceedsDeadlineError } from './errors.js';

describe('RetryAfterExceedsDeadlineError', () => {
  it('carries the wait, the time left, the attempts and the last error as cause', () => {
    const last = new Error('503');
    const error = new RetryAfterExceedsDeadlineError(5_000, 1_200, 2, { kind: 'error', error: last });
    expect(isKeelError(error)).toBe(true);
    expect(error.name).toBe('RetryAfterExceedsDeadlineError');
    expect(error.code).toBe('KEEL_RETRY_AFTER_EXCEEDS_DEADLINE');
    expect([error.retryAfterMs, error.remainingMs, error.attempts]).toEqual([5_000, 1_200, 2]);
    expect(error.cause).toBe(last);
    expect(error.message).toContain('5000 ms');
    expect(error.message).toContain('2 attempts');
  });

  it('keeps a result outcome without a cause', () => {
    const error = new RetryAfterExceedsDeadlineError(10, 5, 1, { kind: 'result', result: 503 });
    expect(error.cause).toBeUndefined();
    expect(error.outcome).toEqual({ kind: 'result', result: 503 });
    expect(error.message).toContain('1 attempt)');
  });

  it('has a guard that accepts only its own errors', () => {
    expect(
      isRetryAfterExceedsDeadlineError(
        new RetryAfterExceedsDeadlineError(1, 0, 1, { kind: 'result', result: 1 }),
      ),
    ).toBe(true);
    expect(isRetryAfterExceedsDeadlineError(new TimeoutError(1))).toBe(false);
    expect(isRetryAfterExceedsDeadlineError(new InvalidOptionError('a', 1, 'b'))).toBe(false);
    expect(isRetryAfterExceedsDeadlineError(new Error('KEEL_RETRY_AFTER_EXCEEDS_DEADLINE'))).toBe(false);
    expect(isRetryAfterExceedsDeadlineError(null)).toBe(false);
  });
});
