import { InvalidOptionError } from '../../errors/index.js';
import type { RateLimitDecision } from './algorithms/algorithm.js';
import { InvalidRateLimitHeaderError } from './errors.js';
import {
  type BareItem,
  parseList,
  type SfItem,
  SfSyntaxError,
  SfToken,
  serializeBytes,
  serializeString,
} from './structured-fields.js';

/*
 * Field syntax follows draft-ietf-httpapi-ratelimit-headers-11 (IETF HTTPAPI working group,
 * Polli, Martinez and Miller): `RateLimit-Policy` is a List of quota policies, each a String
 * naming the policy with parameters q (quota, required), qu (quota unit), w (window, seconds)
 * and pk (partition key, Byte Sequence); `RateLimit` is a List of service limits, each naming
 * its policy with r (remaining quota, required), t (effective window, seconds) and pk. Earlier
 * drafts (up to -06) used three fields instead: RateLimit-Limit, RateLimit-Remaining and
 * RateLimit-Reset.
 */

/**
 * The quota policy to advertise. A limiter's own `policy` fits as is.
 * @category Rate limiter
 */
export interface RateLimitHeaderPolicy {
  /** The policy's name, printable ASCII. */
  readonly name: string;
  /** The quota (`q`), rounded down to an integer. @default the decision's `limit` */
  readonly quota?: number;
  /** The window (`w`), in milliseconds, advertised in whole seconds rounded up. @default none */
  readonly windowMs?: number;
  /** The quota unit (`qu`): `requests`, `content-bytes` or `concurrent-requests`. @default none (requests) */
  readonly quotaUnit?: string;
  /** The partition key (`pk`). @default none */
  readonly partitionKey?: Uint8Array;
}

/**
 * Response header fields for one decision; a plain record, so it can be set on a response
 * as is or read back with {@link parseRateLimitHeaders}.
 * @category Rate limiter
 */
export type RateLimitHeaders = {
  readonly 'RateLimit-Policy': string;
  readonly RateLimit: string;
  /** Seconds to wait, present only when the decision denied the request (and could ever allow it). */
  readonly 'Retry-After'?: string;
};

/**
 * Builds the `RateLimit-Policy` and `RateLimit` response fields of
 * draft-ietf-httpapi-ratelimit-headers-11 for a decision, plus `Retry-After` (RFC 9110
 * §10.2.3, delay-seconds) when the request was denied. Times are rounded up to whole seconds,
 * so a client that honours them never comes back early.
 *
 * @example
 * ```ts
 * import { formatRateLimitHeaders, tokenBucket } from '@keel/core/rate-limiter';
 * const limiter = tokenBucket({ capacity: 100, refillPerSecond: 100 / 60 });
 * const headers = formatRateLimitHeaders(limiter.tryAcquire('client-1'), limiter.policy);
 * // { 'RateLimit-Policy': '"default";q=100;w=60', RateLimit: '"default";r=99;t=1' }
 * console.log(headers);
 * ```
 * @category Rate limiter
 */
export function formatRateLimitHeaders(
  decision: RateLimitDecision,
  policy: RateLimitHeaderPolicy,
): RateLimitHeaders {
  let name: string;
  try {
    name = serializeString(policy.name);
  } catch {
    throw new InvalidOptionError('policy.name', policy.name, 'a string of printable ASCII characters');
  }
  const quota = Math.floor(policy.quota ?? decision.limit);
  if (!(quota >= 0) || !Number.isFinite(quota))
    throw new InvalidOptionError('policy.quota', policy.quota, 'a finite number >= 0');
  let policyField = `${name};q=${quota}`;
  if (policy.quotaUnit !== undefined) {
    try {
      policyField += `;qu=${serializeString(policy.quotaUnit)}`;
    } catch {
      throw new InvalidOptionError(
        'policy.quotaUnit',
        policy.quotaUnit,
        'a string of printable ASCII characters',
      );
    }
  }
  if (policy.windowMs !== undefined) {
    if (!(policy.windowMs > 0) || !Number.isFinite(policy.windowMs))
      throw new InvalidOptionError('policy.windowMs', policy.windowMs, 'a finite number > 0');
    policyField += `;w=${Math.max(1, Math.ceil(policy.windowMs / 1000))}`;
  }
  const pk = policy.partitionKey === undefined ? '' : `;pk=${serializeBytes(policy.partitionKey)}`;
  policyField += pk;
  const limitField = `${name};r=${Math.max(0, Math.floor(decision.remaining))};t=${seconds(decision.resetMs)}${pk}`;
  if (decision.allowed || !Number.isFinite(decision.retryAfterMs))
    return { 'RateLimit-Policy': policyField, RateLimit: limitField };
  return {
    'RateLimit-Policy': policyField,
    RateLimit: limitField,
    'Retry-After': String(seconds(decision.retryAfterMs)),
  };
}

function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000 - 1e-9));
}

/**
 * A quota policy read from `RateLimit-Policy` (or from the legacy `RateLimit-Limit`).
 * @category Rate limiter
 */
export interface ParsedQuotaPolicy {
  /** The policy's name; absent for the legacy fields. */
  readonly name?: string;
  readonly quota: number;
  readonly windowSeconds?: number;
  readonly quotaUnit?: string;
  readonly partitionKey?: Uint8Array;
}

/**
 * A service limit read from `RateLimit` (or from the legacy `RateLimit-Remaining`/`-Reset`).
 * @category Rate limiter
 */
export interface ParsedServiceLimit {
  /** The policy it refers to; absent for the legacy fields. */
  readonly name?: string;
  readonly remaining: number;
  readonly resetSeconds?: number;
  readonly partitionKey?: Uint8Array;
}

/**
 * Everything {@link parseRateLimitHeaders} found.
 * @category Rate limiter
 */
export interface ParsedRateLimitHeaders {
  readonly policies: readonly ParsedQuotaPolicy[];
  readonly limits: readonly ParsedServiceLimit[];
  /** `Retry-After` as delay-seconds, when given that way. */
  readonly retryAfterSeconds?: number;
  /** `Retry-After` as an HTTP-date, in epoch milliseconds, when given that way. */
  readonly retryAfterDate?: number;
  /** True when the values came from the older RateLimit-Limit/Remaining/Reset fields. */
  readonly legacy: boolean;
}

/**
 * Response headers to read: a `Headers` object (fetch) or a plain record such as Node's
 * `IncomingHttpHeaders` (names matched case-insensitively, arrays joined as repeated fields).
 * @category Rate limiter
 */
export type HeadersLike =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | number | undefined>>;

function lookup(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  const parts: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (Array.isArray(value)) parts.push(...value);
    else parts.push(String(value));
  }
  return parts.length === 0 ? undefined : parts.join(', ');
}

function list(header: string, value: string): SfItem[] {
  try {
    return parseList(value);
  } catch (error) {
    if (error instanceof SfSyntaxError) throw new InvalidRateLimitHeaderError(header, value, error.message);
    throw error;
  }
}

function nameOf(header: string, value: string, item: BareItem): string {
  if (typeof item === 'string') return item;
  // Some drafts and servers use a Token rather than a String; accept it.
  if (item instanceof SfToken) return item.value;
  throw new InvalidRateLimitHeaderError(header, value, 'each member must name its policy with a String');
}

function nonNegativeInteger(header: string, value: string, param: string, raw: BareItem | undefined): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0)
    throw new InvalidRateLimitHeaderError(header, value, `"${param}" must be a non-negative Integer`);
  return raw;
}

/**
 * Reads the rate-limit fields of a response: `RateLimit-Policy` and `RateLimit` as defined by
 * draft-ietf-httpapi-ratelimit-headers-11, the older `RateLimit-Limit`, `RateLimit-Remaining`
 * and `RateLimit-Reset` trio (used when the newer fields are absent), and `Retry-After`.
 * Unknown parameters are ignored, as the draft allows. A malformed value throws
 * {@link InvalidRateLimitHeaderError} naming the field.
 *
 * @example
 * ```ts
 * import { parseRateLimitHeaders } from '@keel/core/rate-limiter';
 * const parsed = parseRateLimitHeaders(
 *   new Headers({ 'RateLimit-Policy': '"default";q=100;w=60', RateLimit: '"default";r=42;t=17' }),
 * );
 * console.log(parsed.limits[0]?.remaining); // 42
 * ```
 * @category Rate limiter
 */
export function parseRateLimitHeaders(headers: HeadersLike): ParsedRateLimitHeaders {
  const policies: ParsedQuotaPolicy[] = [];
  const limits: ParsedServiceLimit[] = [];
  const policyValue = lookup(headers, 'RateLimit-Policy');
  if (policyValue !== undefined) {
    for (const item of list('RateLimit-Policy', policyValue)) policies.push(readPolicy(policyValue, item));
  }
  const limitValue = lookup(headers, 'RateLimit');
  if (limitValue !== undefined) {
    for (const item of list('RateLimit', limitValue)) limits.push(readLimit(limitValue, item));
  }
  const legacy =
    policyValue === undefined && limitValue === undefined && readLegacy(headers, policies, limits);
  return { policies, limits, legacy, ...retryAfter(headers) };
}

function readPolicy(value: string, item: SfItem): ParsedQuotaPolicy {
  const h = 'RateLimit-Policy';
  const p = item.params;
  if (!p.has('q')) throw new InvalidRateLimitHeaderError(h, value, 'each policy needs a "q" parameter');
  const policy: { -readonly [K in keyof ParsedQuotaPolicy]: ParsedQuotaPolicy[K] } = {
    name: nameOf(h, value, item.value),
    quota: nonNegativeInteger(h, value, 'q', p.get('q')),
  };
  if (p.has('w')) {
    policy.windowSeconds = nonNegativeInteger(h, value, 'w', p.get('w'));
    if (policy.windowSeconds === 0)
      throw new InvalidRateLimitHeaderError(h, value, '"w" must be greater than 0');
  }
  if (p.has('qu')) {
    const qu = p.get('qu');
    if (typeof qu !== 'string') throw new InvalidRateLimitHeaderError(h, value, '"qu" must be a String');
    policy.quotaUnit = qu;
  }
  if (p.has('pk')) policy.partitionKey = bytes(h, value, p.get('pk')!);
  return policy;
}

function readLimit(value: string, item: SfItem): ParsedServiceLimit {
  const h = 'RateLimit';
  const p = item.params;
  if (!p.has('r')) throw new InvalidRateLimitHeaderError(h, value, 'each limit needs an "r" parameter');
  const limit: { -readonly [K in keyof ParsedServiceLimit]: ParsedServiceLimit[K] } = {
    name: nameOf(h, value, item.value),
    remaining: nonNegativeInteger(h, value, 'r', p.get('r')),
  };
  if (p.has('t')) limit.resetSeconds = nonNegativeInteger(h, value, 't', p.get('t'));
  if (p.has('pk')) limit.partitionKey = bytes(h, value, p.get('pk')!);
  return limit;
}

function bytes(header: string, value: string, raw: BareItem): Uint8Array {
  if (!(raw instanceof Uint8Array))
    throw new InvalidRateLimitHeaderError(header, value, '"pk" must be a Byte Sequence');
  return raw;
}

function readLegacy(
  headers: HeadersLike,
  policies: ParsedQuotaPolicy[],
  limits: ParsedServiceLimit[],
): boolean {
  const limitValue = lookup(headers, 'RateLimit-Limit');
  const remainingValue = lookup(headers, 'RateLimit-Remaining');
  const resetValue = lookup(headers, 'RateLimit-Reset');
  if (limitValue === undefined && remainingValue === undefined && resetValue === undefined) return false;
  if (limitValue !== undefined) {
    // Older drafts allowed a list here (`10, 10;w=1, 50;w=60`): the first member is the limit
    // in force, the others describe the policies.
    for (const item of list('RateLimit-Limit', limitValue)) {
      const quota = nonNegativeInteger('RateLimit-Limit', limitValue, 'value', item.value);
      const w = item.params.get('w');
      policies.push(
        w === undefined
          ? { quota }
          : { quota, windowSeconds: nonNegativeInteger('RateLimit-Limit', limitValue, 'w', w) },
      );
    }
  }
  const single = (header: string, value: string): number => {
    const items = list(header, value);
    if (items.length !== 1) throw new InvalidRateLimitHeaderError(header, value, 'expected a single Integer');
    return nonNegativeInteger(header, value, 'value', items[0]!.value);
  };
  const reset = resetValue === undefined ? undefined : single('RateLimit-Reset', resetValue);
  if (remainingValue !== undefined) {
    const remaining = single('RateLimit-Remaining', remainingValue);
    limits.push(reset === undefined ? { remaining } : { remaining, resetSeconds: reset });
  }
  return true;
}

function retryAfter(headers: HeadersLike): { retryAfterSeconds?: number; retryAfterDate?: number } {
  const value = lookup(headers, 'Retry-After');
  if (value === undefined) return {};
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return { retryAfterSeconds: Number(trimmed) };
  const date = Date.parse(trimmed);
  if (Number.isNaN(date))
    throw new InvalidRateLimitHeaderError('Retry-After', value, 'expected delay-seconds or an HTTP-date');
  return { retryAfterDate: date };
}
