/**
 * The source of chance for every pattern: `next()` returns a float in [0, 1).
 * Patterns never call `Math.random()` directly, so a seed makes every run repeatable.
 *
 * @example
 * ```ts
 * import { seededRandom } from '@keel/core/random';
 * const random = seededRandom(42);
 * console.log(random.next() < 1);
 * ```
 * @category Chance
 */
export interface Random {
  /** A uniformly distributed float in [0, 1). */
  next(): number;
}

/**
 * The platform's generator, for production use where repeatability does not matter.
 *
 * @example
 * ```ts
 * import { systemRandom } from '@keel/core/random';
 * const jitterMs = Math.floor(systemRandom.next() * 100);
 * console.log(jitterMs >= 0 && jitterMs < 100); // true
 * ```
 * @category Chance
 */
export const systemRandom: Random = { next: () => Math.random() };

/**
 * A small, fast, seeded generator (sfc32: 128 bits of state, period at least 2^32, passes
 * PractRand to several terabytes). Seeds may be numbers or strings; equal seeds give equal
 * sequences on every platform.
 *
 * @example
 * ```ts
 * import { SeededRandom } from '@keel/core/random';
 * const a = new SeededRandom(7);
 * const b = new SeededRandom(7);
 * console.log(a.next() === b.next()); // true
 * ```
 * @category Chance
 */
export class SeededRandom implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string = 0) {
    // splitmix32 expands the seed into four well-mixed state words.
    let s = typeof seed === 'string' ? hashString(seed) : seed >>> 0 || Math.floor(seed * 1e9) | 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, bound). */
  nextInt(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /** A float in [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** An independent generator derived from this one, for a sub-component. */
  fork(): SeededRandom {
    return new SeededRandom(this.nextUint32());
  }

  /** The four state words, to save and later restore a position in the sequence. */
  getState(): readonly [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  /** Restores a position saved with {@link SeededRandom.getState}. */
  setState(state: readonly [number, number, number, number]): void {
    [this.a, this.b, this.c, this.d] = state;
  }
}

/**
 * Shorthand for `new SeededRandom(seed)`.
 * @example
 * ```ts
 * import { seededRandom } from '@keel/core/random';
 * console.log(seededRandom('demo').nextInt(6));
 * ```
 * @category Chance
 */
export function seededRandom(seed: number | string = 0): SeededRandom {
  return new SeededRandom(seed);
}

function hashString(text: string): number {
  // FNV-1a, 32-bit.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
