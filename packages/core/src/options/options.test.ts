import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors/index.js';
import { check, checkKnownKeys } from './validate.js';

describe('option validation', () => {
  it('returns the fallback for undefined and the value when valid', () => {
    expect(check.integer('n', undefined, 3, { min: 0 })).toBe(3);
    expect(check.integer('n', 5, 3, { min: 0 })).toBe(5);
    expect(check.duration('d', 0, 10)).toBe(0);
    expect(check.ratio('r', 0.5, 0.1)).toBe(0.5);
    expect(check.integer('n', Number.POSITIVE_INFINITY, 1, { allowInfinity: true })).toBe(
      Number.POSITIVE_INFINITY,
    );
    const keys = new Set(['a']);
    expect(check.iterable('keys', keys)).toBe(keys);
  });

  it.each([
    ['integer', () => check.integer('maxAttempts', 1.5, 3), 'maxAttempts', 1.5],
    ['integer below min', () => check.integer('maxAttempts', -1, 3, { min: 0 }), 'maxAttempts', -1],
    ['NaN duration', () => check.duration('timeout', Number.NaN, 1), 'timeout', Number.NaN],
    ['negative duration', () => check.duration('timeout', -5, 1), 'timeout', -5],
    [
      'infinite duration',
      () => check.duration('timeout', Number.POSITIVE_INFINITY, 1),
      'timeout',
      Number.POSITIVE_INFINITY,
    ],
    ['ratio above 1', () => check.ratio('threshold', 1.2, 0.5), 'threshold', 1.2],
    ['string for number', () => check.number('x', '3', 1), 'x', '3'],
    ['boolean', () => check.boolean('flag', 'yes', false), 'flag', 'yes'],
    ['function', () => check.func('onRetry', 42), 'onRetry', 42],
    ['oneOf', () => check.oneOf('mode', 'fast', 'slow', ['slow', 'medium']), 'mode', 'fast'],
    ['string', () => check.string('name', ''), 'name', ''],
    ['object', () => check.object('opts', [1]), 'opts', [1]],
    ['signal', () => check.signal('signal', {}), 'signal', {}],
    ['iterable', () => check.iterable('keys', 5), 'keys', 5],
  ])('rejects a bad %s with a typed error naming the field', (_, run, field, value) => {
    try {
      run();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).field).toBe(field);
      expect((error as InvalidOptionError).value).toEqual(value);
      expect((error as InvalidOptionError).message).toContain(field);
    }
  });

  it('rejects unknown keys', () => {
    expect(() => checkKnownKeys('retry', { maxAttempt: 3 }, ['maxAttempts'])).toThrow(/retry\.maxAttempt/);
    expect(() => checkKnownKeys('retry', { maxAttempts: 3 }, ['maxAttempts'])).not.toThrow();
  });
});
