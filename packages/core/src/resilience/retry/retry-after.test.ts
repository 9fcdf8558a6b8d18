import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHttpDate, parseRetryAfter } from './retry-after.js';

const now = Date.UTC(1994, 10, 6, 8, 49, 0); // Sun, 06 Nov 1994 08:49:00 GMT

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 7 ', now)).toBe(7_000);
  });

  it('reads all three HTTP-date forms as the time until then', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(37_000);
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(37_000);
    expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', now)).toBe(37_000);
    expect(parseRetryAfter('Sun Nov 16 08:49:37 1994', now)).toBe(10 * 86_400_000 + 37_000);
  });

  it('gives 0 for a date in the past', () => {
    expect(parseRetryAfter('Sat, 05 Nov 1994 08:49:37 GMT', now)).toBe(0);
  });

  it('resolves two-digit years relative to now', () => {
    const in2030 = Date.UTC(2030, 0, 1);
    expect(parseHttpDate('Friday, 01-Jan-99 00:00:00 GMT', in2030)).toBe(Date.UTC(1999, 0, 1));
    expect(parseHttpDate('Friday, 01-Jan-50 00:00:00 GMT', in2030)).toBe(Date.UTC(2050, 0, 1));
    expect(parseHttpDate('Friday, 01-Jan-81 00:00:00 GMT', in2030)).toBe(Date.UTC(1981, 0, 1));
  });

  it.each([
    [undefined],
    [null],
    [''],
    ['-5'],
    ['1.5'],
    ['soon'],
    ['Sun, 6 Nov 1994 08:49:37 GMT'],
    ['Sun, 06 Nov 1994 08:49:37 UTC'],
    ['Sun, 31 Feb 1994 08:49:37 GMT'],
    ['Sun, 06 Nov 1994 25:49:37 GMT'],
    ['2024-01-01T00:00:00Z'],
  ])('ignores the malformed value %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });

  it('round-trips every IMF-fixdate the platform writes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        (at, base) => {
          const date = at * 1_000;
          const wait = parseRetryAfter(new Date(date).toUTCString(), base * 1_000);
          return wait === Math.max(0, date - base * 1_000);
        },
      ),
    );
  });
});
