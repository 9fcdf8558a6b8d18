import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../../errors/index.js';
import { errorOutput } from './check-runner.js';

describe('errorOutput', () => {
  it('keeps informative error names and plain messages', () => {
    expect(errorOutput(new Error('connection refused'))).toBe('connection refused');
    expect(errorOutput(new TypeError('bad'))).toBe('TypeError: bad');
    expect(errorOutput(new TimeoutError(200))).toBe('TimeoutError: Operation timed out after 200 ms');
    expect(errorOutput('plain')).toBe('plain');
  });

  it('digs into empty aggregate and coded errors', () => {
    const aggregate = new AggregateError(
      [new Error('connect ECONNREFUSED ::1:1'), new Error('connect ECONNREFUSED 127.0.0.1:1')],
      '',
    );
    expect(errorOutput(aggregate)).toBe('connect ECONNREFUSED ::1:1; connect ECONNREFUSED 127.0.0.1:1');
    expect(errorOutput(Object.assign(new Error(''), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(errorOutput(new RangeError(''))).toBe('RangeError');
  });
});
