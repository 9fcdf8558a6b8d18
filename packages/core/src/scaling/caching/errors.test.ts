import { describe, expect, it } from 'vitest';
import { AbortedError, InvalidOptionError } from '../../errors/index.js';
import { isWriteBehindClosedError, WriteBehindClosedError } from './errors.js';

describe('caching errors', () => {
  it('WriteBehindClosedError carries its key and code, and only its guard accepts it', () => {
    const error = new WriteBehindClosedError('k1');
    expect(error.name).toBe('WriteBehindClosedError');
    expect(error.code).toBe('KEEL_WRITE_BEHIND_CLOSED');
    expect(error.key).toBe('k1');
    expect(isWriteBehindClosedError(error)).toBe(true);
    expect(isWriteBehindClosedError(new AbortedError('x'))).toBe(false);
    expect(isWriteBehindClosedError(new InvalidOptionError('f', 1, 'x'))).toBe(false);
    expect(isWriteBehindClosedError(new Error('closed'))).toBe(false);
    expect(isWriteBehindClosedError(undefined)).toBe(false);
  });
});
