import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HealthStatus } from './types.js';
import { httpStatusFor, normalizeStatus, worstStatus } from './types.js';

const status = fc.constantFrom<HealthStatus>('pass', 'warn', 'fail');

describe('status helpers', () => {
  it('maps the draft aliases and treats unknown words as fail', () => {
    expect(['pass', 'ok', 'up', undefined].map(normalizeStatus)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(normalizeStatus('warn')).toBe('warn');
    expect(['fail', 'error', 'down', 'broken', 3].map(normalizeStatus)).toEqual([
      'fail',
      'fail',
      'fail',
      'fail',
      'fail',
    ]);
  });

  it('orders statuses fail > warn > pass, commutatively and associatively', () => {
    fc.assert(
      fc.property(status, status, status, (a, b, c) => {
        expect(worstStatus(a, b)).toBe(worstStatus(b, a));
        expect(worstStatus(worstStatus(a, b), c)).toBe(worstStatus(a, worstStatus(b, c)));
        expect(worstStatus(a, 'pass')).toBe(a);
        expect(worstStatus(a, 'fail')).toBe('fail');
      }),
    );
  });

  it('answers 200 for pass and warn, 503 for fail', () => {
    expect(httpStatusFor({ status: 'pass' })).toBe(200);
    expect(httpStatusFor({ status: 'warn' })).toBe(200);
    expect(httpStatusFor({ status: 'fail' })).toBe(503);
  });
});
