// NATS KV keys allow `[-/_=.a-zA-Z0-9]`, the dots separating subject tokens. Anything else, and
// `_` itself, is escaped as `_` and four hex digits: fixed width, so no two texts collide.
const OUTSIDE_KEY = /[^-/=.a-zA-Z0-9]|_/g;
const OUTSIDE_TOKEN = /[^-/=a-zA-Z0-9]|_/g;

const escapeChar = (c: string): string => `_${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** @internal `text` as a whole KV key (dots kept, so it may span subject tokens). */
export function escapeKvKey(text: string): string {
  return text.replace(OUTSIDE_KEY, escapeChar);
}

/** @internal `text` as one subject token of a KV key (dots escaped too), so it can be matched with `>`. */
export function escapeKvToken(text: string): string {
  return text.replace(OUTSIDE_TOKEN, escapeChar);
}
