/**
 * A minimal reader and writer for HTTP Structured Field Lists (RFC 9651, formerly RFC 8941):
 * just what the rate-limit header fields need. Items are bare items with parameters; inner
 * lists are refused, since no rate-limit field uses them.
 */

/** A bare item: Integer or Decimal (number), String or Token (string), Byte Sequence, Boolean. */
export type BareItem = number | string | boolean | Uint8Array | SfToken;

/** @internal A Token, kept apart from a String so callers can tell which they got. */
export class SfToken {
  constructor(readonly value: string) {}
}

/** One member of a List. */
export interface SfItem {
  readonly value: BareItem;
  readonly params: ReadonlyMap<string, BareItem>;
}

/** @internal Thrown by {@link parseList}; the caller turns it into an error naming the header. */
export class SfSyntaxError extends Error {}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);
const isLcalpha = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z:/]$/;
const KEYCHAR = /^[a-z0-9_\-.*]$/;

class Reader {
  i = 0;
  constructor(readonly s: string) {}
  peek(): string | undefined {
    return this.s[this.i];
  }
  fail(problem: string): never {
    throw new SfSyntaxError(`${problem} at position ${this.i}`);
  }
  skip(chars: string): void {
    while (this.i < this.s.length && chars.includes(this.s[this.i]!)) this.i++;
  }
}

/** @internal Parses a List field value into its items. */
export function parseList(input: string): SfItem[] {
  const r = new Reader(input);
  r.skip(' ');
  const items: SfItem[] = [];
  while (r.i < r.s.length) {
    if (r.peek() === '(') r.fail('inner lists are not allowed here');
    items.push(parseItem(r));
    r.skip(' \t');
    if (r.i >= r.s.length) break;
    if (r.peek() !== ',') r.fail('expected ","');
    r.i++;
    r.skip(' \t');
    if (r.i >= r.s.length) r.fail('trailing comma');
  }
  r.skip(' ');
  return items;
}

function parseItem(r: Reader): SfItem {
  const value = parseBareItem(r);
  const params = new Map<string, BareItem>();
  while (r.peek() === ';') {
    r.i++;
    r.skip(' ');
    const key = parseKey(r);
    let param: BareItem = true;
    if (r.peek() === '=') {
      r.i++;
      param = parseBareItem(r);
    }
    params.set(key, param);
  }
  return { value, params };
}

function parseKey(r: Reader): string {
  const first = r.peek();
  if (!isLcalpha(first) && first !== '*') r.fail('expected a parameter key');
  const start = r.i;
  while (r.i < r.s.length && KEYCHAR.test(r.s[r.i]!)) r.i++;
  return r.s.slice(start, r.i);
}

function parseBareItem(r: Reader): BareItem {
  const c = r.peek();
  if (c === '-' || isDigit(c)) return parseNumber(r);
  if (c === '"') return parseString(r);
  if (c === ':') return parseBytes(r);
  if (c === '?') return parseBoolean(r);
  if (c === '*' || isAlpha(c)) return parseToken(r);
  return r.fail('expected an item');
}

function parseNumber(r: Reader): number {
  const start = r.i;
  if (r.peek() === '-') r.i++;
  if (!isDigit(r.peek())) r.fail('expected a digit');
  let decimal = false;
  while (r.i < r.s.length) {
    const c = r.s[r.i]!;
    if (isDigit(c)) r.i++;
    else if (c === '.' && !decimal) {
      decimal = true;
      r.i++;
    } else break;
  }
  const text = r.s.slice(start, r.i);
  const digits = text.replace('-', '');
  if (!decimal && digits.length > 15) r.fail('integer too long');
  if (decimal) {
    const [whole, fraction = ''] = digits.split('.');
    if (whole!.length > 12 || fraction.length === 0 || fraction.length > 3) r.fail('malformed decimal');
  }
  return Number(text);
}

function parseString(r: Reader): string {
  r.i++;
  let out = '';
  while (r.i < r.s.length) {
    const c = r.s[r.i++]!;
    if (c === '\\') {
      const next = r.s[r.i++];
      if (next !== '"' && next !== '\\') r.fail('bad escape in string');
      out += next;
    } else if (c === '"') {
      return out;
    } else {
      const code = c.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) r.fail('non-printable character in string');
      out += c;
    }
  }
  return r.fail('unterminated string');
}

function parseToken(r: Reader): SfToken {
  const start = r.i;
  r.i++;
  while (r.i < r.s.length && TCHAR.test(r.s[r.i]!)) r.i++;
  return new SfToken(r.s.slice(start, r.i));
}

function parseBytes(r: Reader): Uint8Array {
  r.i++;
  const end = r.s.indexOf(':', r.i);
  if (end < 0) r.fail('unterminated byte sequence');
  const b64 = r.s.slice(r.i, end);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) r.fail('bad base64 in byte sequence');
  r.i = end + 1;
  const binary = globalThis.atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
  return bytes;
}

function parseBoolean(r: Reader): boolean {
  r.i++;
  const c = r.s[r.i++];
  if (c === '1') return true;
  if (c === '0') return false;
  return r.fail('expected ?0 or ?1');
}

/** @internal Serializes a String (RFC 9651 §4.1.6); throws when it holds non-printable characters. */
export function serializeString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new SfSyntaxError('strings may hold printable ASCII only');
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** @internal Serializes a Byte Sequence as `:base64:`. */
export function serializeBytes(value: Uint8Array): string {
  let binary = '';
  for (const byte of value) binary += String.fromCharCode(byte);
  return `:${globalThis.btoa(binary)}:`;
}
