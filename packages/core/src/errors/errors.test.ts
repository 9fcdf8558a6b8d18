import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  hasErrorCode,
  InvalidOptionError,
  isAbortedError,
  isInvalidOptionError,
  isKeelError,
  isTimeoutError,
  TimeoutError,
} from './index.js';

describe('KeelError and its guards', () => {
  const cases = [
    {
      error: new InvalidOptionError('a.b', -1, 'a positive number'),
      guard: isInvalidOptionError,
      code: 'KEEL_INVALID_OPTION',
      name: 'InvalidOptionError',
    },
    { error: new AbortedError('bye'), guard: isAbortedError, code: 'KEEL_ABORTED', name: 'AbortedError' },
    { error: new TimeoutError(100, 5000), guard: isTimeoutError, code: 'KEEL_TIMEOUT', name: 'TimeoutError' },
  ] as const;

  for (const { error, guard, code, name } of cases) {
    it(`${name} has a literal name, a stable code, and a guard that accepts only it`, () => {
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error).toBeInstanceOf(Error);
      expect(isKeelError(error)).toBe(true);
      expect(hasErrorCode(error, code)).toBe(true);
      expect(guard(error)).toBe(true);
      for (const other of cases) if (other.error !== error) expect(guard(other.error)).toBe(false);
      expect(guard(new Error('plain'))).toBe(false);
      expect(guard({ code })).toBe(false);
      expect(guard(undefined)).toBe(false);
    });
  }

  it('names the field, the value and the expectation', () => {
    const error = new InvalidOptionError('retry.maxAttempts', 'three', 'an integer >= 0');
    expect(error.message).toBe('Invalid option "retry.maxAttempts": expected an integer >= 0, got "three"');
    expect(error.field).toBe('retry.maxAttempts');
    expect(error.value).toBe('three');
  });

  it('keeps the cause', () => {
    const cause = new Error('root');
    expect(new InvalidOptionError('x', 1, 'y', { cause }).cause).toBe(cause);
    expect(new AbortedError('why').cause).toBe('why');
  });
});
