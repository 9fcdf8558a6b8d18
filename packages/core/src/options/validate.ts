import { InvalidOptionError } from '../errors/index.js';

/**
 * Validators for options objects. Each returns the value when it is acceptable (or the
 * default when it is `undefined`) and throws {@link InvalidOptionError} naming the field,
 * the value and what was expected otherwise.
 *
 * @example
 * ```ts
 * import { check } from '@keel/core/options';
 * const maxAttempts = check.integer('maxAttempts', undefined, 3, { min: 0 }); // 3
 * console.log(maxAttempts);
 * ```
 * @category Options
 */
export const check = {
  /** A finite number within optional bounds (inclusive). */
  number(field: string, value: unknown, fallback: number, bounds: Bounds = {}): number {
    const v = value === undefined ? fallback : value;
    if (
      typeof v !== 'number' ||
      Number.isNaN(v) ||
      !inBounds(v, bounds) ||
      (!bounds.allowInfinity && !Number.isFinite(v))
    )
      throw new InvalidOptionError(field, v, describeBounds('a number', bounds));
    return v;
  },
  /** An integer within optional bounds (inclusive); `Infinity` only if `allowInfinity`. */
  integer(field: string, value: unknown, fallback: number, bounds: Bounds = {}): number {
    const v = value === undefined ? fallback : value;
    const ok =
      typeof v === 'number' &&
      inBounds(v, bounds) &&
      (Number.isInteger(v) || (bounds.allowInfinity === true && v === Number.POSITIVE_INFINITY));
    if (!ok) throw new InvalidOptionError(field, v, describeBounds('an integer', bounds));
    return v as number;
  },
  /** A duration in milliseconds: a number >= `min` (default 0); `Infinity` only if allowed. */
  duration(field: string, value: unknown, fallback: number, bounds: Bounds = {}): number {
    return check.number(field, value, fallback, { min: 0, ...bounds });
  },
  /** A ratio in [0, 1] (or the given bounds). */
  ratio(field: string, value: unknown, fallback: number, bounds: Bounds = {}): number {
    return check.number(field, value, fallback, { min: 0, max: 1, ...bounds });
  },
  /** A boolean. */
  boolean(field: string, value: unknown, fallback: boolean): boolean {
    const v = value === undefined ? fallback : value;
    if (typeof v !== 'boolean') throw new InvalidOptionError(field, v, 'true or false');
    return v;
  },
  /** A function, or the fallback (which may be undefined). */
  func<F extends (...args: never[]) => unknown>(field: string, value: unknown, fallback?: F): F | undefined {
    const v = value === undefined ? fallback : value;
    if (v !== undefined && typeof v !== 'function') throw new InvalidOptionError(field, v, 'a function');
    return v as F | undefined;
  },
  /** One of a fixed set of strings. */
  oneOf<T extends string>(field: string, value: unknown, fallback: T, allowed: readonly T[]): T {
    const v = value === undefined ? fallback : value;
    if (typeof v !== 'string' || !allowed.includes(v as T))
      throw new InvalidOptionError(field, v, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return v as T;
  },
  /** A non-empty string. */
  string(field: string, value: unknown, fallback?: string): string {
    const v = value === undefined ? fallback : value;
    if (typeof v !== 'string' || v.length === 0) throw new InvalidOptionError(field, v, 'a non-empty string');
    return v;
  },
  /** An object (not null, not an array), or undefined when optional. */
  object<T extends object>(field: string, value: unknown): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new InvalidOptionError(field, value, 'an object');
    return value as T;
  },
  /** Anything iterable: an array, a Set, a Map, a generator. */
  iterable<T>(field: string, value: unknown, expected = 'an iterable'): Iterable<T> {
    if (
      value === null ||
      value === undefined ||
      typeof (value as Iterable<T>)[Symbol.iterator] !== 'function'
    )
      throw new InvalidOptionError(field, value, expected);
    return value as Iterable<T>;
  },
  /** An AbortSignal, or undefined. */
  signal(field: string, value: unknown): AbortSignal | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || typeof (value as AbortSignal).aborted !== 'boolean')
      throw new InvalidOptionError(field, value, 'an AbortSignal');
    return value as AbortSignal;
  },
} as const;

/**
 * Inclusive bounds for numeric validators.
 * @category Options
 */
export interface Bounds {
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound. */
  readonly above?: number;
  readonly allowInfinity?: boolean;
}

function inBounds(v: number, b: Bounds): boolean {
  return (
    (b.min === undefined || v >= b.min) &&
    (b.max === undefined || v <= b.max) &&
    (b.above === undefined || v > b.above)
  );
}

function describeBounds(kind: string, b: Bounds): string {
  const parts: string[] = [];
  if (b.min !== undefined) parts.push(`>= ${b.min}`);
  if (b.above !== undefined) parts.push(`> ${b.above}`);
  if (b.max !== undefined) parts.push(`<= ${b.max}`);
  const infinity = b.allowInfinity ? ' (or Infinity)' : '';
  return parts.length ? `${kind} ${parts.join(' and ')}${infinity}` : `${kind}${infinity}`;
}

/**
 * Rejects keys of `options` that are not in `known`, so a misspelt option fails loudly
 * instead of being ignored.
 *
 * @example
 * ```ts
 * import { checkKnownKeys } from '@keel/core/options';
 * try {
 *   checkKnownKeys('pool', { maxSize: 4, maxSise: 8 }, ['maxSize', 'idleMs']);
 * } catch (error) {
 *   console.log((error as Error).message); // Invalid option "pool.maxSise": ...
 * }
 * ```
 * @category Options
 */
export function checkKnownKeys(scope: string, options: object | undefined, known: readonly string[]): void {
  if (!options) return;
  for (const key of Object.keys(options)) {
    if (!known.includes(key))
      throw new InvalidOptionError(
        `${scope}.${key}`,
        (options as Record<string, unknown>)[key],
        `one of the known options: ${known.join(', ')}`,
      );
  }
}
