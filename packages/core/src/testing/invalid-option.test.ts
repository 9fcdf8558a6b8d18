import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors/index.js';
import { assertInvalidOption, invalidOptionField } from './invalid-option.js';

const bad = (field: string) => () => {
  throw new InvalidOptionError(field, -1, 'a positive number');
};

describe('invalidOptionField', () => {
  it('names the field of an InvalidOptionError', () => {
    expect(invalidOptionField(bad('limit'))).toBe('limit');
  });

  it('is undefined when nothing is thrown', () => {
    expect(invalidOptionField(() => 1)).toBeUndefined();
  });

  it('rethrows any other error', () => {
    const other = new Error('other');
    expect(() =>
      invalidOptionField(() => {
        throw other;
      }),
    ).toThrow(other);
  });
});

describe('assertInvalidOption', () => {
  it('passes for an InvalidOptionError naming the field', () => {
    expect(() => assertInvalidOption(bad('limit'), 'limit')).not.toThrow();
  });

  it('fails for another field, another error, or no error', () => {
    expect(() => assertInvalidOption(bad('size'), 'limit')).toThrow(/got one for size/);
    expect(() =>
      assertInvalidOption(() => {
        throw new Error('other');
      }, 'limit'),
    ).toThrow(/expected an InvalidOptionError for limit/);
    expect(() => assertInvalidOption(() => 1, 'limit')).toThrow(/expected an InvalidOptionError for limit/);
  });
});
