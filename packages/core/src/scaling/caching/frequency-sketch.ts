/** Halving every counter keeps 4 bits per counter: `(word >>> 1) & 0x77777777` per 8 counters. */
const HALVE_MASK = 0x77777777;
const MAX_COUNT = 15;

/**
 * Approximate access counts for W-TinyLFU admission: a count-min sketch of 4-bit counters,
 * eight to a 32-bit word, four counters per key, with periodic halving (aging) after
 * `10 × capacity` increments so that yesterday's popular keys fade. An optional doorkeeper
 * (a Bloom filter) absorbs the first access of each key, which keeps one-hit wonders out of the
 * counters. The sizing follows Caffeine's: about 16 counters (8 bytes) per cached entry, and
 * a key's four counters lie in one 64-byte block so that an access touches one cache line.
 * Hashes must be well mixed ({@link mix32}); the low bits choose the block.
 *
 * @example
 * ```ts
 * import { FrequencySketch, hashCacheKey, mix32 } from '@keel/core/caching';
 * const sketch = new FrequencySketch(1_000);
 * const hash = mix32(hashCacheKey('page:home'));
 * sketch.increment(hash);
 * sketch.increment(hash);
 * console.log(sketch.frequency(hash)); // 2
 * ```
 */
export class FrequencySketch {
  private table: Uint32Array;
  private blockMask: number;
  private doorkeeperBits: Uint32Array | undefined;
  private doorkeeperMask = 0;
  private additions = 0;
  /** Increments between two halvings. */
  sampleSize: number;
  /** How many times the counters have been halved. */
  resets = 0;

  constructor(
    capacity: number,
    private readonly useDoorkeeper = false,
  ) {
    this.table = new Uint32Array(0);
    this.blockMask = 0;
    this.sampleSize = 0;
    this.ensureCapacity(capacity);
  }

  /** The number of entries the sketch is sized for. */
  get capacity(): number {
    return this.table.length / 2;
  }

  /** Resizes (and forgets) the counters when `capacity` outgrows them. */
  ensureCapacity(capacity: number): void {
    const wanted = nextPowerOfTwo(Math.max(16, Math.min(capacity, 1 << 26)));
    if (wanted * 2 <= this.table.length) return;
    this.table = new Uint32Array(wanted * 2);
    this.blockMask = wanted / 8 - 1;
    this.sampleSize = 10 * wanted;
    this.additions = 0;
    if (this.useDoorkeeper) {
      // About 8 bits per expected key keeps false positives near 2% with two probes.
      this.doorkeeperBits = new Uint32Array(wanted / 4);
      this.doorkeeperMask = wanted * 8 - 1;
    }
  }

  /** Records one access of the key whose mixed hash ({@link mix32} of {@link hashCacheKey}) is `hash`. */
  increment(hash: number): void {
    const doorkeeper = this.doorkeeperBits;
    if (doorkeeper !== undefined) {
      const a = hash & this.doorkeeperMask;
      const b = (hash >>> 9) & this.doorkeeperMask;
      if (((doorkeeper[a >>> 5]! >>> (a & 31)) & (doorkeeper[b >>> 5]! >>> (b & 31)) & 1) === 0) {
        doorkeeper[a >>> 5]! |= 1 << (a & 31);
        doorkeeper[b >>> 5]! |= 1 << (b & 31);
        if (++this.additions >= this.sampleSize) this.halve();
        return;
      }
    }
    // The four counters share one 64-byte block (one cache line), each in its own quarter of it;
    // the low bits pick the block, the product's high bits (which depend on all bits) the rest.
    // Unrolled: this runs on every cache read.
    const table = this.table;
    const base = (hash & this.blockMask) << 4;
    const spread = Math.imul(hash, 0x9e3779b1);
    let added = 0;
    let bits = spread >>> 12;
    let word = base + (bits & 3);
    let shift = bits & 28;
    let value = table[word]!;
    if (((value >>> shift) & MAX_COUNT) !== MAX_COUNT) {
      table[word] = value + (1 << shift);
      added = 1;
    }
    bits = spread >>> 17;
    word = base + 4 + (bits & 3);
    shift = bits & 28;
    value = table[word]!;
    if (((value >>> shift) & MAX_COUNT) !== MAX_COUNT) {
      table[word] = value + (1 << shift);
      added = 1;
    }
    bits = spread >>> 22;
    word = base + 8 + (bits & 3);
    shift = bits & 28;
    value = table[word]!;
    if (((value >>> shift) & MAX_COUNT) !== MAX_COUNT) {
      table[word] = value + (1 << shift);
      added = 1;
    }
    bits = spread >>> 27;
    word = base + 12 + (bits & 3);
    shift = bits & 28;
    value = table[word]!;
    if (((value >>> shift) & MAX_COUNT) !== MAX_COUNT) {
      table[word] = value + (1 << shift);
      added = 1;
    }
    if (added !== 0 && ++this.additions >= this.sampleSize) this.halve();
  }

  /**
   * Reads the block of each slot's hash, found at `words[(slots[i] << shift) + offset]`, so that
   * the following increments find it cached.
   */
  prefetch(words: Int32Array, shift: number, offset: number, slots: Int32Array, count: number): number {
    const table = this.table;
    const blockMask = this.blockMask;
    let sink = 0;
    for (let i = 0; i < count; i++) sink ^= table[(words[(slots[i]! << shift) + offset]! & blockMask) << 4]!;
    return sink;
  }

  /** The estimated access count of the key (at most 15, or 16 with the doorkeeper). */
  frequency(hash: number): number {
    // Unrolled like `increment`: this runs twice per admission contest.
    const table = this.table;
    const base = (hash & this.blockMask) << 4;
    const spread = Math.imul(hash, 0x9e3779b1);
    let bits = spread >>> 12;
    const first = (table[base + (bits & 3)]! >>> (bits & 28)) & MAX_COUNT;
    bits = spread >>> 17;
    const second = (table[base + 4 + (bits & 3)]! >>> (bits & 28)) & MAX_COUNT;
    bits = spread >>> 22;
    const third = (table[base + 8 + (bits & 3)]! >>> (bits & 28)) & MAX_COUNT;
    bits = spread >>> 27;
    const fourth = (table[base + 12 + (bits & 3)]! >>> (bits & 28)) & MAX_COUNT;
    let min = Math.min(Math.min(first, second), Math.min(third, fourth));
    const doorkeeper = this.doorkeeperBits;
    if (doorkeeper !== undefined) {
      const a = hash & this.doorkeeperMask;
      const b = (hash >>> 9) & this.doorkeeperMask;
      min += (doorkeeper[a >>> 5]! >>> (a & 31)) & (doorkeeper[b >>> 5]! >>> (b & 31)) & 1;
    }
    return min;
  }

  /** Forgets every count. */
  clear(): void {
    this.table.fill(0);
    this.doorkeeperBits?.fill(0);
    this.additions = 0;
  }

  /** Ages the counts: every counter is halved and the doorkeeper is emptied. */
  private halve(): void {
    // The loop comes last: it runs rarely and long enough to be compiled while running (OSR),
    // and code after it would then lack type feedback and throw the compiled code away each time.
    this.doorkeeperBits?.fill(0);
    this.additions = this.additions >>> 1;
    this.resets++;
    halveCounters(this.table);
  }
}

function halveCounters(table: Uint32Array): void {
  for (let i = 0; i < table.length; i++) table[i] = (table[i]! >>> 1) & HALVE_MASK;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
