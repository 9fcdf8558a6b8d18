import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isInvalidOptionError } from '../../errors/index.js';
import { type InvalidRateLimitHeaderError, isInvalidRateLimitHeaderError } from './errors.js';
import { formatRateLimitHeaders, parseRateLimitHeaders } from './headers.js';
import { gcra, tokenBucket } from './keyed-limiter.js';

function headerError(run: () => unknown): InvalidRateLimitHeaderError {
  try {
    run();
  } catch (error) {
    if (isInvalidRateLimitHeaderError(error)) return error;
    throw error;
  }
  throw new Error('expected an InvalidRateLimitHeaderError');
}

describe('formatRateLimitHeaders', () => {
  it('emits RateLimit-Policy and RateLimit for an allowed request', () => {
    const clock = new VirtualClock();
    const limiter = tokenBucket({ capacity: 100, refillPerSecond: 100 / 60, clock });
    for (let i = 0; i < 57; i++) limiter.tryAcquire('k');
    const headers = formatRateLimitHeaders(limiter.tryAcquire('k'), limiter.policy);
    // 58 used: 42 left, and 58 tokens take 34.8 s to refill.
    expect(headers).toEqual({ 'RateLimit-Policy': '"default";q=100;w=60', RateLimit: '"default";r=42;t=35' });
  });

  it('adds Retry-After in whole seconds, rounded up, when denied', () => {
    const clock = new VirtualClock();
    const limiter = gcra({ ratePerSecond: 0.4, burst: 1, clock, name: 'slow' });
    limiter.tryAcquire('k');
    const headers = formatRateLimitHeaders(limiter.tryAcquire('k'), limiter.policy);
    expect(headers).toEqual({
      'RateLimit-Policy': '"slow";q=1;w=3',
      RateLimit: '"slow";r=0;t=3',
      'Retry-After': '3',
    });
  });

  it('escapes the name and writes the unit and partition key', () => {
    const headers = formatRateLimitHeaders(
      { allowed: true, remaining: 5, limit: 10, resetMs: 0, retryAfterMs: 0 },
      { name: 'a "quoted" \\name', quotaUnit: 'content-bytes', partitionKey: new Uint8Array([1, 2, 3]) },
    );
    expect(headers['RateLimit-Policy']).toBe('"a \\"quoted\\" \\\\name";q=10;qu="content-bytes";pk=:AQID:');
    expect(headers.RateLimit).toBe('"a \\"quoted\\" \\\\name";r=5;t=0;pk=:AQID:');
  });

  it('rejects a policy it cannot express', () => {
    const decision = { allowed: true, remaining: 1, limit: 1, resetMs: 0, retryAfterMs: 0 };
    for (const [policy, field] of [
      [{ name: 'caf\u00e9' }, 'policy.name'],
      [{ name: 'x', quota: -1 }, 'policy.quota'],
      [{ name: 'x', windowMs: 0 }, 'policy.windowMs'],
      [{ name: 'x', quotaUnit: '\n' }, 'policy.quotaUnit'],
    ] as const) {
      try {
        formatRateLimitHeaders(decision, policy);
        throw new Error('expected a throw');
      } catch (error) {
        expect(isInvalidOptionError(error) && error.field).toBe(field);
      }
    }
  });
});

describe('parseRateLimitHeaders', () => {
  it('reads both fields from a Headers object, with several members', () => {
    const parsed = parseRateLimitHeaders(
      new Headers({
        'RateLimit-Policy': '"burst";q=100;w=60, "daily";q=1000;w=86400;qu="requests";acme-x=1',
        RateLimit: '"burst";r=42;t=17, "daily";r=950;pk=:AQID:',
        'Retry-After': '17',
      }),
    );
    expect(parsed).toEqual({
      policies: [
        { name: 'burst', quota: 100, windowSeconds: 60 },
        { name: 'daily', quota: 1000, windowSeconds: 86400, quotaUnit: 'requests' },
      ],
      limits: [
        { name: 'burst', remaining: 42, resetSeconds: 17 },
        { name: 'daily', remaining: 950, partitionKey: new Uint8Array([1, 2, 3]) },
      ],
      legacy: false,
      retryAfterSeconds: 17,
    });
  });

  it('matches names case-insensitively in plain records and joins repeated fields', () => {
    const parsed = parseRateLimitHeaders({
      'ratelimit-policy': ['"a";q=1', '"b";q=2'],
      ratelimit: '"a";r=0',
      'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT',
    });
    expect(parsed.policies.map((p) => p.name)).toEqual(['a', 'b']);
    expect(parsed.limits).toEqual([{ name: 'a', remaining: 0 }]);
    expect(parsed.retryAfterDate).toBe(Date.UTC(2015, 9, 21, 7, 28));
  });

  it('tolerates the older RateLimit-Limit/Remaining/Reset trio', () => {
    expect(
      parseRateLimitHeaders({
        'RateLimit-Limit': '10, 10;w=1, 50;w=60',
        'RateLimit-Remaining': '3',
        'RateLimit-Reset': '7',
      }),
    ).toEqual({
      policies: [{ quota: 10 }, { quota: 10, windowSeconds: 1 }, { quota: 50, windowSeconds: 60 }],
      limits: [{ remaining: 3, resetSeconds: 7 }],
      legacy: true,
    });
    expect(parseRateLimitHeaders({}).legacy).toBe(false);
    // Token names, as some servers still send, are accepted.
    expect(parseRateLimitHeaders({ RateLimit: 'default;r=1' }).limits[0]?.name).toBe('default');
  });

  it('names the header of a malformed value', () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'RateLimit-Policy': '"a";w=10' }, 'RateLimit-Policy'],
      [{ 'RateLimit-Policy': '"a";q=-1' }, 'RateLimit-Policy'],
      [{ 'RateLimit-Policy': '"a";q=1.5' }, 'RateLimit-Policy'],
      [{ 'RateLimit-Policy': '"a";q=1;w=0' }, 'RateLimit-Policy'],
      [{ 'RateLimit-Policy': '"a";q=1;qu=requests' }, 'RateLimit-Policy'],
      [{ 'RateLimit-Policy': '"a";q=1,' }, 'RateLimit-Policy'],
      [{ 'RateLimit-Policy': '("a");q=1' }, 'RateLimit-Policy'],
      [{ 'RateLimit-Policy': '5;q=1' }, 'RateLimit-Policy'],
      [{ RateLimit: '"a";t=1' }, 'RateLimit'],
      [{ RateLimit: '"a;r=1' }, 'RateLimit'],
      [{ RateLimit: '"a";r=1;pk=abc' }, 'RateLimit'],
      [{ RateLimit: '"a";r=1;pk=:@@:' }, 'RateLimit'],
      [{ RateLimit: '"a" "b"' }, 'RateLimit'],
      [{ 'RateLimit-Remaining': 'many' }, 'RateLimit-Remaining'],
      [{ 'RateLimit-Remaining': '1, 2' }, 'RateLimit-Remaining'],
      [{ 'RateLimit-Reset': '-4', 'RateLimit-Remaining': '1' }, 'RateLimit-Reset'],
      [{ 'Retry-After': 'soon' }, 'Retry-After'],
    ];
    for (const [headers, name] of cases)
      expect(headerError(() => parseRateLimitHeaders(headers)).header).toBe(name);
  });

  it('round-trips what formatRateLimitHeaders writes', () => {
    const printable = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    });
    fc.assert(
      fc.property(
        printable,
        fc.nat(1_000_000),
        fc.nat(1_000_000),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.nat(10_000_000),
        fc.option(fc.uint8Array({ maxLength: 16 }), { nil: undefined }),
        fc.boolean(),
        (name, quota, remaining, windowMs, resetMs, partitionKey, allowed) => {
          const decision = {
            allowed,
            remaining,
            limit: quota,
            resetMs,
            retryAfterMs: allowed ? 0 : resetMs + 1,
          };
          const written = formatRateLimitHeaders(decision, { name, windowMs, partitionKey });
          const parsed = parseRateLimitHeaders(written);
          const pk = partitionKey === undefined ? {} : { partitionKey };
          expect(parsed.policies).toEqual([
            { name, quota, windowSeconds: Math.max(1, Math.ceil(windowMs / 1000)), ...pk },
          ]);
          expect(parsed.limits).toEqual([
            { name, remaining, resetSeconds: Math.ceil(resetMs / 1000), ...pk },
          ]);
          expect(parsed.retryAfterSeconds).toBe(allowed ? undefined : Math.ceil((resetMs + 1) / 1000));
        },
      ),
    );
  });
});
