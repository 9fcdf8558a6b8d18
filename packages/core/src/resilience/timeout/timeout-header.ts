import type { Clock } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import { MalformedTimeoutHeaderError } from './errors.js';

/**
 * The header gRPC uses to carry the caller's remaining time.
 * @example
 * ```ts
 * import { TIMEOUT_HEADER } from '@keel/core/timeout';
 * console.log(TIMEOUT_HEADER); // 'grpc-timeout'
 * ```
 * @category Timeout
 */
export const TIMEOUT_HEADER = 'grpc-timeout';

/** The largest value the format allows: eight digits. */
const MAX_DIGITS_VALUE = 99_999_999;

/** Units from finest to coarsest, with how many of them make one millisecond. */
const UNITS = [
  { unit: 'n', perMs: 1_000_000 },
  { unit: 'u', perMs: 1_000 },
  { unit: 'm', perMs: 1 },
  { unit: 'S', perMs: 1 / 1_000 },
  { unit: 'M', perMs: 1 / 60_000 },
  { unit: 'H', perMs: 1 / 3_600_000 },
] as const;

const MS_PER_UNIT: Readonly<Record<string, number>> = {
  m: 1,
  S: 1_000,
  M: 60_000,
  H: 3_600_000,
};

const HEADER_VALUE = /^(\d{1,8})([HMSmun])$/;

/**
 * Encodes a remaining time as a `grpc-timeout` value: at most eight digits and a unit (`H` hours,
 * `M` minutes, `S` seconds, `m` milliseconds, `u` microseconds, `n` nanoseconds).
 *
 * The finest unit whose count fits in eight digits is chosen, and the count is rounded down, so
 * the callee is never promised more time than the caller has (the loss is below one unit, at
 * most a hundred-thousandth of the value). Zero encodes as `0n`, meaning "already expired". Times
 * beyond the largest encodable value (99999999 hours) are clamped to it.
 *
 * @param remainingMs milliseconds left, finite and >= 0.
 * @example
 * ```ts
 * import { encodeTimeoutHeader } from '@keel/core/timeout';
 * console.log(encodeTimeoutHeader(1_500)); // '1500000u'
 * ```
 * @category Timeout
 */
export function encodeTimeoutHeader(remainingMs: number): string {
  if (typeof remainingMs !== 'number' || !(remainingMs >= 0) || !Number.isFinite(remainingMs))
    throw new InvalidOptionError('remainingMs', remainingMs, 'a finite number of milliseconds >= 0');
  for (const { unit, perMs } of UNITS) {
    const count = floorCount(remainingMs * perMs);
    if (count <= MAX_DIGITS_VALUE) return `${count}${unit}`;
  }
  return `${MAX_DIGITS_VALUE}H`;
}

/** Rounds down, but forgives the binary rounding error of a value that is meant to be whole. */
function floorCount(exact: number): number {
  const nearest = Math.round(exact);
  return Math.abs(exact - nearest) <= 1e-12 * Math.max(1, exact) ? nearest : Math.floor(exact);
}

/**
 * Decodes a `grpc-timeout` value into milliseconds (possibly fractional, for `u` and `n`).
 * Surrounding whitespace is ignored; anything else that is not 1 to 8 digits and a unit throws.
 * Note the case: `M` is minutes, `m` milliseconds.
 *
 * @throws {@link MalformedTimeoutHeaderError} naming the value.
 * @example
 * ```ts
 * import { decodeTimeoutHeader } from '@keel/core/timeout';
 * console.log(decodeTimeoutHeader('2M')); // 120000
 * console.log(decodeTimeoutHeader('250m')); // 250
 * ```
 * @category Timeout
 */
export function decodeTimeoutHeader(value: string): number {
  const match = typeof value === 'string' ? HEADER_VALUE.exec(value.trim()) : null;
  if (!match) throw new MalformedTimeoutHeaderError(value);
  const count = Number(match[1]);
  const unit = match[2]!;
  // Divide for the sub-millisecond units: dividing by an exact integer rounds correctly.
  return unit === 'n' ? count / 1_000_000 : unit === 'u' ? count / 1_000 : count * MS_PER_UNIT[unit]!;
}

/**
 * Anything request headers come in: a fetch `Headers`, a plain object, or Node's
 * `IncomingHttpHeaders` (lower-case keys, values that may be arrays).
 * @example
 * ```ts
 * import { systemClock } from '@keel/core/clock';
 * import { deadlineFromHeaders, type HeaderSource } from '@keel/core/timeout';
 * const headers: HeaderSource = new Headers({ 'grpc-timeout': '5S' });
 * console.log(deadlineFromHeaders(headers, systemClock));
 * ```
 * @category Timeout
 */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | number | undefined>>;

/**
 * Options of {@link deadlineFromHeaders}.
 * @example
 * ```ts
 * import { systemClock } from '@keel/core/clock';
 * import { deadlineFromHeaders } from '@keel/core/timeout';
 * const deadline = deadlineFromHeaders({ 'x-request-timeout': '2S' }, systemClock, { headerName: 'x-request-timeout', maxMs: 5_000 });
 * ```
 * @category Timeout
 */
export interface DeadlineFromHeadersOptions {
  /**
   * The most time this service grants a request, whatever the caller asked for; also the budget
   * of a request that carries no header.
   * @default Infinity
   */
  readonly maxMs?: number;
  /**
   * The header to read.
   * @default 'grpc-timeout'
   */
  readonly headerName?: string;
}

/**
 * Turns a caller's timeout header into an absolute deadline on `clock`, clamped to `maxMs`.
 * Without the header the deadline is `now + maxMs` (`Infinity` when `maxMs` is not set).
 *
 * @throws {@link MalformedTimeoutHeaderError} when the header is present but malformed.
 * @example
 * ```ts
 * import { systemClock } from '@keel/core/clock';
 * import { deadlineFromHeaders } from '@keel/core/timeout';
 * const deadline = deadlineFromHeaders({ 'grpc-timeout': '2S' }, systemClock, { maxMs: 10_000 });
 * console.log(deadline - systemClock.now() <= 2_000);
 * ```
 * @category Timeout
 */
export function deadlineFromHeaders(
  headers: HeaderSource,
  clock: Clock,
  options: DeadlineFromHeadersOptions = {},
): number {
  checkKnownKeys('deadlineFromHeaders', options, ['maxMs', 'headerName']);
  const maxMs = check.duration('maxMs', options.maxMs, Number.POSITIVE_INFINITY, { allowInfinity: true });
  const name = check.string('headerName', options.headerName, TIMEOUT_HEADER);
  const now = clock.now();
  const value = readHeader(headers, name);
  if (value === undefined) return now + maxMs;
  const asked = decodeTimeoutHeader(value);
  return now + Math.min(asked, maxMs);
}

/**
 * Headers that pass the time left until `deadline` on to a downstream call: an empty object when
 * there is no deadline, otherwise `{ [headerName]: encodeTimeoutHeader(remaining) }`.
 *
 * @example
 * ```ts
 * import { systemClock } from '@keel/core/clock';
 * import { deadlineToHeaders } from '@keel/core/timeout';
 * const headers = deadlineToHeaders(systemClock.now() + 1_000, systemClock);
 * await fetch('https://example.com', { headers });
 * ```
 * @category Timeout
 */
export function deadlineToHeaders(
  deadline: number,
  clock: Clock,
  headerName: string = TIMEOUT_HEADER,
): Record<string, string> {
  if (typeof deadline !== 'number' || Number.isNaN(deadline))
    throw new InvalidOptionError('deadline', deadline, 'an absolute time in milliseconds or Infinity');
  check.string('headerName', headerName);
  if (deadline === Number.POSITIVE_INFINITY) return {};
  const left = deadline - clock.now();
  return { [headerName]: encodeTimeoutHeader(Math.max(left, 0)) };
}

function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const value = (headers as { get(name: string): string | null }).get(name);
    return value === null ? undefined : value;
  }
  const record = headers as Readonly<Record<string, unknown>>;
  const lower = name.toLowerCase();
  let value = record[lower];
  if (value === undefined) {
    for (const key of Object.keys(record)) {
      if (key.toLowerCase() === lower) {
        value = record[key];
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  // A repeated header is ambiguous; read the first, the way most servers do.
  if (Array.isArray(value)) value = value[0];
  return value === undefined ? undefined : String(value);
}
