import { describe, expect, it } from 'vitest';
import { isKeelError, TimeoutError } from '../../errors/index.js';
import {
  isLockLostError,
  isLockNotAcquiredError,
  isStaleFencingTokenError,
  LockLostError,
  LockNotAcquiredError,
  StaleFencingTokenError,
} from './errors.js';

describe('distributed lock errors', () => {
  const notAcquired = new LockNotAcquiredError('job', 3, 100);
  const lost = new LockLostError('job', 7n, 'rejected');
  const stale = new StaleFencingTokenError('row', 4n, 9n);

  it('carry their code, name and context', () => {
    expect(notAcquired).toMatchObject({
      name: 'LockNotAcquiredError',
      code: 'KEEL_LOCK_NOT_ACQUIRED',
      attempts: 3,
    });
    expect(lost).toMatchObject({
      name: 'LockLostError',
      code: 'KEEL_LOCK_LOST',
      token: 7n,
      lossReason: 'rejected',
    });
    expect(stale).toMatchObject({ code: 'KEEL_STALE_FENCING_TOKEN', token: 4n, highestToken: 9n });
    expect(stale.message).toContain('token 9 has been seen');
    expect([notAcquired, lost, stale].every(isKeelError)).toBe(true);
  });

  it('have guards that accept their own error only', () => {
    const guards = [isLockNotAcquiredError, isLockLostError, isStaleFencingTokenError];
    const errors = [notAcquired, lost, stale];
    guards.forEach((guard, i) => {
      errors.forEach((error, j) => {
        expect(guard(error)).toBe(i === j);
      });
      for (const other of [new Error('x'), new TimeoutError(1), null, 'KEEL_LOCK_LOST'])
        expect(guard(other)).toBe(false);
    });
  });
});
