import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../../errors/index.js';
import { HedgeLostError, isHedgeLostError } from './errors.js';

describe('HedgeLostError', () => {
  it('has a literal name, a stable code and a guard that accepts only it', () => {
    const error = new HedgeLostError(1, 2);
    expect(error.name).toBe('HedgeLostError');
    expect(error.code).toBe('KEEL_HEDGE_LOST');
    expect(error).toMatchObject({ attempt: 1, winner: 2 });
    expect(error.message).toContain('attempt 2');
    expect(isHedgeLostError(error)).toBe(true);
    expect(isHedgeLostError(new TimeoutError(1))).toBe(false);
    expect(isHedgeLostError(new Error('plain'))).toBe(false);
    expect(isHedgeLostError({ code: 'KEEL_HEDGE_LOST' })).toBe(false);
    expect(isHedgeLostError(undefined)).toBe(false);
  });
});
