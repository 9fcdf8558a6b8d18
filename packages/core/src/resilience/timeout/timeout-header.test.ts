import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { invalidOptionField } from '../../testing/index.js';
import { isMalformedTimeoutHeaderError } from './errors.js';
import {
  deadlineFromHeaders,
  deadlineToHeaders,
  decodeTimeoutHeader,
  encodeTimeoutHeader,
  TIMEOUT_HEADER,
} from './timeout-header.js';

describe('encodeTimeoutHeader', () => {
  it.each([
    [0, '0n'],
    [0.000001, '1n'],
    [1, '1000000n'],
    [99, '99000000n'],
    [99.999999, '99999999n'],
    [100, '100000u'],
    [1_500, '1500000u'],
    [99_999, '99999000u'],
    [100_000, '100000m'],
    [99_999_999, '99999999m'],
    [100_000_000, '100000S'],
    [99_999_999_000, '99999999S'],
    [100_000_000_000, '1666666M'],
    [6_000_000_000_000, '1666666H'],
  ])('encodes %s ms as %s (finest unit that fits in 8 digits)', (ms, expected) => {
    expect(encodeTimeoutHeader(ms)).toBe(expected);
  });

  it('rounds down so the callee never gets more time than the caller has', () => {
    expect(encodeTimeoutHeader(0.0000015)).toBe('1n');
    expect(encodeTimeoutHeader(1_999.9999)).toBe('1999999u');
    expect(encodeTimeoutHeader(100_000_000_999)).toBe('1666666M');
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e13, noNaN: true }), (ms) => {
        const encoded = encodeTimeoutHeader(ms);
        expect(encoded).toMatch(/^\d{1,8}[HMSmun]$/);
        const back = decodeTimeoutHeader(encoded);
        expect(back).toBeLessThanOrEqual(ms * (1 + 1e-9));
        // The loss is under one unit of the chosen (finest fitting) unit: at most 1e-5 of the value.
        expect(ms - back).toBeLessThanOrEqual(Math.max(1e-6, ms * 1e-5));
      }),
    );
  });

  it('clamps times beyond eight digits of hours', () => {
    expect(encodeTimeoutHeader(1e20)).toBe('99999999H');
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], ['5' as unknown as number]])(
    'rejects %s',
    (value) => {
      expect(() => encodeTimeoutHeader(value)).toThrow(
        expect.objectContaining({ code: 'KEEL_INVALID_OPTION', field: 'remainingMs' }),
      );
    },
  );
});

describe('decodeTimeoutHeader', () => {
  it.each([
    ['1H', 3_600_000],
    ['2M', 120_000],
    ['3S', 3_000],
    ['250m', 250],
    ['1500u', 1.5],
    ['2000000n', 2],
    ['99999999m', 99_999_999],
    [' 5S ', 5_000],
    ['00000007S', 7_000],
  ])('decodes %s as %s ms', (value, ms) => {
    expect(decodeTimeoutHeader(value)).toBe(ms);
  });

  it('tells minutes (M) from milliseconds (m)', () => {
    expect(decodeTimeoutHeader('5M')).toBe(300_000);
    expect(decodeTimeoutHeader('5m')).toBe(5);
  });

  it.each([
    [''],
    ['5'],
    ['S'],
    ['123456789S'],
    ['5s'],
    ['5 S'],
    ['-5S'],
    ['5.5S'],
    ['5ms'],
    ['1e3m'],
    [5 as unknown as string],
  ])('rejects %j with a typed error naming the value', (value) => {
    let error: unknown;
    try {
      decodeTimeoutHeader(value);
    } catch (e) {
      error = e;
    }
    expect(isMalformedTimeoutHeaderError(error)).toBe(true);
    expect((error as { value: unknown }).value).toBe(value);
    expect((error as Error).message).toContain(JSON.stringify(value));
  });

  it('round-trips every well-formed value to the same duration', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.constantFrom('H', 'M', 'S', 'm', 'u', 'n'),
        (count, unit) => {
          const ms = decodeTimeoutHeader(`${count}${unit}`);
          const again = decodeTimeoutHeader(encodeTimeoutHeader(ms));
          expect(Math.abs(again - ms)).toBeLessThanOrEqual(ms * 1e-9);
        },
      ),
    );
  });
});

describe('deadlineFromHeaders', () => {
  const clock = new VirtualClock(10_000);

  it('reads a fetch Headers object', () => {
    expect(deadlineFromHeaders(new Headers({ 'Grpc-Timeout': '2S' }), clock)).toBe(12_000);
  });

  it('reads Node IncomingHttpHeaders and plain objects in any case', () => {
    expect(deadlineFromHeaders({ 'grpc-timeout': '250m', host: 'x' }, clock)).toBe(10_250);
    expect(deadlineFromHeaders({ 'GRPC-TIMEOUT': '1S' }, clock)).toBe(11_000);
    expect(deadlineFromHeaders({ 'grpc-timeout': ['3S', '9S'] }, clock)).toBe(13_000);
  });

  it('clamps to maxMs, which is also the budget without a header', () => {
    expect(deadlineFromHeaders({ 'grpc-timeout': '1H' }, clock, { maxMs: 5_000 })).toBe(15_000);
    expect(deadlineFromHeaders({}, clock, { maxMs: 5_000 })).toBe(15_000);
    expect(deadlineFromHeaders({}, clock)).toBe(Number.POSITIVE_INFINITY);
    expect(deadlineFromHeaders(new Headers(), clock)).toBe(Number.POSITIVE_INFINITY);
  });

  it('reads another header name when asked', () => {
    expect(deadlineFromHeaders({ 'x-timeout': '1S' }, clock, { headerName: 'x-timeout' })).toBe(11_000);
  });

  it('throws a typed error for a malformed header', () => {
    expect(() => deadlineFromHeaders({ 'grpc-timeout': 'soon' }, clock)).toThrow(
      expect.objectContaining({ code: 'KEEL_MALFORMED_TIMEOUT_HEADER', value: 'soon' }),
    );
  });

  it.each([
    ['maxMs', { maxMs: -1 }],
    ['headerName', { headerName: '' }],
    ['deadlineFromHeaders.max', { max: 5 }],
  ])('rejects a bad %s', (field, options) => {
    expect(invalidOptionField(() => deadlineFromHeaders({}, clock, options as never))).toBe(field);
  });
});

describe('deadlineToHeaders', () => {
  it('forwards the remaining time and nothing without a deadline', () => {
    const clock = new VirtualClock(1_000);
    expect(deadlineToHeaders(1_250, clock)).toEqual({ [TIMEOUT_HEADER]: '250000u' });
    expect(deadlineToHeaders(Number.POSITIVE_INFINITY, clock)).toEqual({});
    expect(deadlineToHeaders(500, clock)).toEqual({ 'grpc-timeout': '0n' });
    expect(deadlineToHeaders(1_002, clock, 'x-deadline')).toEqual({ 'x-deadline': '2000000n' });
  });

  it('shrinks as it travels: the callee reads back no more than the caller had', () => {
    const clock = new VirtualClock(0);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 1_000 }),
        (budget, hop) => {
          const headers = deadlineToHeaders(clock.now() + budget, clock);
          const callee = new VirtualClock(hop);
          expect(deadlineFromHeaders(headers, callee) - hop).toBeLessThanOrEqual(budget);
        },
      ),
    );
  });

  it('rejects a bad deadline or header name', () => {
    const clock = new VirtualClock();
    expect(() => deadlineToHeaders(Number.NaN, clock)).toThrow(
      expect.objectContaining({ field: 'deadline' }),
    );
    expect(() => deadlineToHeaders(5, clock, '')).toThrow(expect.objectContaining({ field: 'headerName' }));
  });
});
