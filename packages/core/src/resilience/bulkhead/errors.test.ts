import { describe, expect, it } from 'vitest';
import { AbortedError, isKeelError, TimeoutError } from '../../errors/index.js';
import {
  BulkheadQueueTimeoutError,
  BulkheadRejectedError,
  isBulkheadQueueTimeoutError,
  isBulkheadRejectedError,
} from './errors.js';

describe('bulkhead errors', () => {
  const full = new BulkheadRejectedError(4, 4, 2, 2);
  const timedOut = new BulkheadQueueTimeoutError(100, 3);
  const others = [
    new Error('plain'),
    new TimeoutError(5),
    new AbortedError('x'),
    undefined,
    'KEEL_BULKHEAD_FULL',
  ];

  it('carry their code, name and context', () => {
    expect(full).toMatchObject({
      name: 'BulkheadRejectedError',
      code: 'KEEL_BULKHEAD_FULL',
      limit: 4,
      queued: 2,
    });
    expect(full.message).toBe('Bulkhead full: 4/4 executing, 2/2 queued');
    expect(timedOut).toMatchObject({ code: 'KEEL_BULKHEAD_QUEUE_TIMEOUT', queueTimeoutMs: 100, queued: 3 });
    expect(isKeelError(full) && isKeelError(timedOut)).toBe(true);
  });

  it('have guards that accept their own error only', () => {
    expect(isBulkheadRejectedError(full)).toBe(true);
    expect(isBulkheadRejectedError(timedOut)).toBe(false);
    expect(isBulkheadQueueTimeoutError(timedOut)).toBe(true);
    expect(isBulkheadQueueTimeoutError(full)).toBe(false);
    for (const other of others) {
      expect(isBulkheadRejectedError(other)).toBe(false);
      expect(isBulkheadQueueTimeoutError(other)).toBe(false);
    }
  });
});
