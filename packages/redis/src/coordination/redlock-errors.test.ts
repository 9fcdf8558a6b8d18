import { LockLostError } from '@keel/core/distributed-lock';
import { describe, expect, it } from 'vitest';
import {
  isRedlockLostError,
  isRedlockQuorumError,
  RedlockLostError,
  RedlockQuorumError,
} from './redlock-errors.js';

describe('Redlock errors', () => {
  const quorum = new RedlockQuorumError('acquire', 'job', 3, {
    granted: 1,
    refused: 0,
    failed: 2,
    quorum: 2,
  });
  const lost = new RedlockLostError('job', 'expired');

  it('carry their context and a stable code', () => {
    expect(quorum).toMatchObject({
      name: 'RedlockQuorumError',
      code: 'KEEL_REDLOCK_QUORUM',
      operation: 'acquire',
      key: 'job',
      attempts: 3,
      tally: { granted: 1, failed: 2, quorum: 2 },
    });
    expect(quorum.message).toContain('1 of 2');
    expect(lost).toMatchObject({
      name: 'RedlockLostError',
      code: 'KEEL_REDLOCK_LOST',
      lossReason: 'expired',
    });
    expect(lost).not.toHaveProperty('token');
  });

  it('guards accept their own error and reject the others', () => {
    expect(isRedlockQuorumError(quorum)).toBe(true);
    expect(isRedlockQuorumError(lost)).toBe(false);
    expect(isRedlockLostError(lost)).toBe(true);
    expect(isRedlockLostError(quorum)).toBe(false);
    for (const other of [
      new Error('x'),
      new LockLostError('job', 1n, 'expired'),
      undefined,
      'KEEL_REDLOCK_LOST',
    ]) {
      expect(isRedlockQuorumError(other)).toBe(false);
      expect(isRedlockLostError(other)).toBe(false);
    }
  });
});
