const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

/** RFC 9110 section 5.6.7: the preferred form, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** The obsolete RFC 850 form, e.g. `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC_850 = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`,
);
/** The obsolete C asctime() form, e.g. `Sun Nov  6 08:49:37 1994`. */
const ASCTIME = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

const DELAY_SECONDS = /^\d+$/;

/**
 * Reads an HTTP `Retry-After` value (RFC 9110 section 10.2.3) as milliseconds to wait: either
 * delay-seconds (`120`) or an HTTP-date in any of the three forms recipients must accept
 * (IMF-fixdate, RFC 850, asctime). A date in the past gives 0. Anything else gives `undefined`,
 * so a malformed header is ignored rather than trusted.
 *
 * @param value the header value, if any.
 * @param nowEpochMs the current wall-clock time in epoch milliseconds, which an HTTP-date is
 *   compared with (and which resolves RFC 850's two-digit years).
 * @example
 * ```ts
 * import { parseRetryAfter } from '@keel/core/retry';
 * const now = Date.UTC(2024, 0, 1);
 * console.log(parseRetryAfter('30', now)); // 30000
 * console.log(parseRetryAfter('Mon, 01 Jan 2024 00:01:00 GMT', now)); // 60000
 * ```
 * @category Retry
 */
export function parseRetryAfter(value: string | null | undefined, nowEpochMs: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) {
    const seconds = Number(text);
    return Number.isFinite(seconds) ? seconds * 1_000 : undefined;
  }
  const at = parseHttpDate(text, nowEpochMs);
  if (at === undefined) return undefined;
  return at > nowEpochMs ? at - nowEpochMs : 0;
}

/**
 * Reads an HTTP-date (RFC 9110 section 5.6.7) into epoch milliseconds, or `undefined` when the
 * text is not one.
 * @example
 * ```ts
 * import { parseHttpDate } from '@keel/core/retry';
 * console.log(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', Date.UTC(2024, 0, 1))); // 784111777000
 * ```
 * @category Retry
 */
export function parseHttpDate(text: string, nowEpochMs: number): number | undefined {
  let match = IMF_FIXDATE.exec(text);
  if (match) return utc(Number(match[3]), match[2]!, match[1]!, match[4]!, match[5]!, match[6]!);
  match = RFC_850.exec(text);
  if (match) {
    // A two-digit year more than 50 years ahead means the most recent past year with those digits.
    const nowYear = new Date(nowEpochMs).getUTCFullYear();
    let year = Math.floor(nowYear / 100) * 100 + Number(match[3]);
    if (year > nowYear + 50) year -= 100;
    return utc(year, match[2]!, match[1]!, match[4]!, match[5]!, match[6]!);
  }
  match = ASCTIME.exec(text);
  if (match) return utc(Number(match[6]), match[1]!, match[2]!.trim(), match[3]!, match[4]!, match[5]!);
  return undefined;
}

function utc(
  year: number,
  month: string,
  day: string,
  hour: string,
  minute: string,
  second: string,
): number | undefined {
  const m = MONTHS.indexOf(month);
  const d = Number(day);
  const h = Number(hour);
  const min = Number(minute);
  const s = Number(second);
  // Leap seconds (60) are allowed by the grammar; Date.UTC rolls them into the next minute.
  if (d < 1 || d > 31 || h > 23 || min > 59 || s > 60) return undefined;
  const at = Date.UTC(year, m, d, h, min, s);
  // Reject impossible days such as 31 Feb, which Date.UTC would silently roll over.
  if (new Date(at).getUTCDate() !== d && s !== 60) return undefined;
  return at;
}
