import { grown } from './grown.js';
import { hashCacheKey, mix32 } from './hash.js';

// The cache's map from keys to slots. A JavaScript Map costs three hash-table operations per insert
// into a full cache (a lookup, the leaver's delete, the newcomer's insert), and the delete must load
// the leaver's key, which on a large cache is a cold read. Short strings and 32-bit integers, the
// usual cache keys, live instead in an open-addressed table of slot numbers keyed by the same hash
// the admission sketch needs anyway, with each slot's hash kept beside it in a small array: a lookup
// that misses compares hashes only, and a leaver is found by the hash kept for its slot, so its key
// is never read. Other keys (long strings, whose
// hash V8 caches in the string and we could not, fractional numbers, objects) stay in a Map.

/**
 * Strings up to this length live in the index's own table; longer ones in a Map. The table hashes
 * the key on every lookup, where a Map reuses the hash V8 keeps in a string it has hashed before:
 * looking up the very same string object again, the table is about 1 ns slower at 8 characters and
 * 11 to 17 ns slower at 16. A key built afresh for each lookup (the usual case in a server) is
 * found sooner by the table at every length measured, by 18 ns at 8 characters and 40 ns at 16,
 * and every insert into a full cache saves a Map delete that reads the leaver's key.
 * @internal
 */
export const SHORT_KEY_LENGTH = 16;
/**
 * A newcomer placed this far from its hash's home means a run of colliding hashes (by accident at
 * odds too small to matter, or by someone choosing keys): the table then hands everything to the
 * Map, whose hash is seeded, and stays out of use. Losing the table costs speed, never correctness.
 * @internal
 */
export const MAX_DISPLACEMENT = 128;
/** The table starts with this many cells and doubles whenever it would be more than half full. */
const INITIAL_CELLS = 64;

/**
 * Whether `key` belongs in the table: a string of at most {@link SHORT_KEY_LENGTH} characters, or a
 * number that is a 32-bit integer (so that `===` agrees with a Map's SameValueZero: NaN goes to the
 * Map, and -0 equals 0, as it hashes).
 */
function tableKey(key: unknown): boolean {
  return typeof key === 'string'
    ? key.length <= SHORT_KEY_LENGTH
    : typeof key === 'number' && (key | 0) === key;
}

/**
 * Keys to slots for {@link Cache}. The cache keeps each slot's key at `cells[slot * 2]`; the index
 * reads keys there, so it stores only numbers.
 * @internal
 */
export class KeyIndex<K> {
  /** Slot numbers by hash; slot 0 is never used by the cache, so it marks an empty cell. */
  private table = new Int32Array(INITIAL_CELLS);
  private mask = INITIAL_CELLS - 1;
  private tableCount = 0;
  private readonly map = new Map<K, number>();
  /**
   * Each table slot's hash: compared before a key is, and the way to a slot's cell without reading
   * its key. Indexed by slot, it is small and stays in the CPU's caches.
   */
  private slotHashes = new Int32Array(0);
  /** 1 for a slot whose key is in the table, 0 for one in the Map. */
  private slotInTable = new Uint8Array(0);
  private flooded = false;
  /** Whether the last {@link KeyIndex.find} hashed its key (a table key): then {@link KeyIndex.hash} is its hash. */
  hashed = false;
  /** The hash computed by the last {@link KeyIndex.find} of a table key. */
  hash = 0;

  constructor(private readonly cells: unknown[]) {}

  /** The number of keys indexed. */
  get size(): number {
    return this.tableCount + this.map.size;
  }

  /** False once a flood of colliding hashes has moved every key to the Map. */
  get usesTable(): boolean {
    return !this.flooded;
  }

  /** Room for slots below `slots`. */
  growSlots(slots: number): void {
    if (slots <= this.slotHashes.length) return;
    this.slotHashes = grown(this.slotHashes, slots);
    this.slotInTable = grown(this.slotInTable, slots);
  }

  /** The slot of `key`, or -1. Leaves the key's hash in {@link KeyIndex.hash} when it computed one. */
  find(key: K): number {
    if (!this.flooded && tableKey(key)) {
      // The hash the eviction policies keep for the same key, so one computation serves both.
      const hash = mix32(hashCacheKey(key));
      this.hashed = true;
      this.hash = hash;
      const table = this.table;
      const mask = this.mask;
      const hashes = this.slotHashes;
      const cells = this.cells;
      for (let cell = hash & mask; ; cell = (cell + 1) & mask) {
        const slot = table[cell]!;
        if (slot === 0) return -1;
        if (hashes[slot] === hash && cells[slot << 1] === key) return slot;
      }
    }
    this.hashed = false;
    const slot = this.map.get(key);
    return slot === undefined ? -1 : slot;
  }

  /**
   * Indexes `key`, known to be absent, at `slot`. `hash` must be the key's hash
   * (`mix32(hashCacheKey(key))`) when the key is a table key; it is ignored otherwise.
   */
  insert(key: K, slot: number, hash: number): void {
    if (this.flooded || !tableKey(key)) {
      this.map.set(key, slot);
      this.slotInTable[slot] = 0;
      return;
    }
    if ((this.tableCount + 1) * 2 > this.mask + 1) this.resize((this.mask + 1) * 2);
    this.slotHashes[slot] = hash;
    this.slotInTable[slot] = 1;
    this.tableCount++;
    if (this.place(slot) > MAX_DISPLACEMENT) this.flood();
  }

  /** Forgets the key at `slot` (read from the cells only when it lives in the Map). */
  remove(slot: number): void {
    if (this.slotInTable[slot] === 0) {
      this.map.delete(this.cells[slot << 1] as K);
      return;
    }
    const table = this.table;
    const mask = this.mask;
    const hashes = this.slotHashes;
    let hole = hashes[slot]! & mask;
    while (table[hole] !== slot) hole = (hole + 1) & mask;
    // Backward-shift deletion: each later entry of the run that may live in the hole moves into
    // it, so lookups never meet a gap before their key, and no tombstones build up.
    for (let cell = (hole + 1) & mask; ; cell = (cell + 1) & mask) {
      const moving = table[cell]!;
      if (moving === 0) break;
      const home = hashes[moving]! & mask;
      // It stays when its home lies cyclically in (hole, cell]: moving it would put it before home.
      const stays = hole <= cell ? hole < home && home <= cell : hole < home || home <= cell;
      if (stays) continue;
      table[hole] = moving;
      hole = cell;
    }
    table[hole] = 0;
    this.tableCount--;
  }

  /** Every indexed slot, in no particular order. */
  slots(): number[] {
    const slots: number[] = [];
    const table = this.table;
    for (let cell = 0; cell <= this.mask; cell++) {
      const slot = table[cell]!;
      if (slot !== 0) slots.push(slot);
    }
    for (const slot of this.map.values()) slots.push(slot);
    return slots;
  }

  /** Forgets every key (a table that has seen a flood stays out of use). */
  clear(): void {
    this.map.clear();
    this.table = new Int32Array(INITIAL_CELLS);
    this.mask = INITIAL_CELLS - 1;
    this.tableCount = 0;
  }

  /** Puts `slot` in the first empty cell from its hash's home; returns the distance. */
  private place(slot: number): number {
    const table = this.table;
    const mask = this.mask;
    const home = this.slotHashes[slot]! & mask;
    let cell = home;
    while (table[cell] !== 0) cell = (cell + 1) & mask;
    table[cell] = slot;
    return (cell - home) & mask;
  }

  private resize(cells: number): void {
    const old = this.table;
    this.table = new Int32Array(cells);
    this.mask = cells - 1;
    for (let cell = 0; cell < old.length; cell++) {
      const slot = old[cell]!;
      if (slot !== 0) this.place(slot);
    }
  }

  /** Moves every table key to the Map for good (see {@link MAX_DISPLACEMENT}). */
  private flood(): void {
    for (const slot of this.slots()) {
      if (this.slotInTable[slot] === 0) continue;
      this.map.set(this.cells[slot << 1] as K, slot);
      this.slotInTable[slot] = 0;
    }
    this.flooded = true;
    this.table = new Int32Array(1);
    this.mask = 0;
    this.tableCount = 0;
  }
}
