import { describe, expect, it } from 'vitest';
import { InvalidOptionError, isKeelError, TimeoutError } from '../../errors/index.js';
import { isMalformedTimeoutHeaderError, MalformedTimeoutHeaderError } from './errors.js';

describe('MalformedTimeoutHeaderError', () => {
  it('is a Keel error with a stable code and the value', () => {
    const error = new MalformedTimeoutHeaderError('10x');
    expect(isKeelError(error)).toBe(true);
    expect(error.name).toBe('MalformedTimeoutHeaderError');
    expect(error.code).toBe('KEEL_MALFORMED_TIMEOUT_HEADER');
    expect(error.value).toBe('10x');
    expect(error.message).toContain('"10x"');
  });

  it('has a guard that accepts only its own errors', () => {
    expect(isMalformedTimeoutHeaderError(new MalformedTimeoutHeaderError(''))).toBe(true);
    expect(isMalformedTimeoutHeaderError(new TimeoutError(1))).toBe(false);
    expect(isMalformedTimeoutHeaderError(new InvalidOptionError('a', 1, 'b'))).toBe(false);
    expect(isMalformedTimeoutHeaderError(new Error('KEEL_MALFORMED_TIMEOUT_HEADER'))).toBe(false);
    expect(isMalformedTimeoutHeaderError(undefined)).toBe(false);
  });
});
