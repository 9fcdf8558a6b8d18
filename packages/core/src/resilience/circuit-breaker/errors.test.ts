import { describe, expect, it } from 'vitest';
import { InvalidOptionError, isKeelError, TimeoutError } from '../../errors/index.js';
import {
  BrokenCircuitError,
  IsolatedCircuitError,
  isBrokenCircuitError,
  isCircuitRejection,
  isIsolatedCircuitError,
} from './errors.js';

describe('circuit breaker errors', () => {
  const broken = new BrokenCircuitError(1500, 'open', 3);
  const isolated = new IsolatedCircuitError(7);
  const others = [
    new TimeoutError(10),
    new InvalidOptionError('x', 1, 'y'),
    new Error('plain'),
    undefined,
    null,
  ];

  it('BrokenCircuitError has a literal name, a stable code and its context', () => {
    expect(broken.name).toBe('BrokenCircuitError');
    expect(broken.code).toBe('KEEL_CIRCUIT_OPEN');
    expect(broken.retryAfterMs).toBe(1500);
    expect(broken.state).toBe('open');
    expect(broken.generation).toBe(3);
    expect(broken.message).toContain('1500 ms');
    expect(isKeelError(broken)).toBe(true);
    expect(new BrokenCircuitError(0, 'half-open', 1).message).toContain('half-open');
    expect(new BrokenCircuitError(Number.POSITIVE_INFINITY, 'open', 1).message).toContain('unlimited');
  });

  it('IsolatedCircuitError has a literal name, a stable code and no end', () => {
    expect(isolated.name).toBe('IsolatedCircuitError');
    expect(isolated.code).toBe('KEEL_CIRCUIT_ISOLATED');
    expect(isolated.generation).toBe(7);
    expect(isolated.retryAfterMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('each guard accepts its own error and rejects the others', () => {
    expect(isBrokenCircuitError(broken)).toBe(true);
    expect(isBrokenCircuitError(isolated)).toBe(false);
    expect(isIsolatedCircuitError(isolated)).toBe(true);
    expect(isIsolatedCircuitError(broken)).toBe(false);
    expect(isCircuitRejection(broken)).toBe(true);
    expect(isCircuitRejection(isolated)).toBe(true);
    for (const other of others) {
      expect(isBrokenCircuitError(other)).toBe(false);
      expect(isIsolatedCircuitError(other)).toBe(false);
      expect(isCircuitRejection(other)).toBe(false);
    }
    expect(isBrokenCircuitError({ code: 'KEEL_CIRCUIT_OPEN' })).toBe(false);
  });

  it('keeps a cause', () => {
    const cause = new Error('root');
    expect(new BrokenCircuitError(1, 'open', 1, { cause }).cause).toBe(cause);
  });
});
