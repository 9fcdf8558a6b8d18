import { grown } from './grown.js';

// A hierarchical timer wheel (Varghese and Lauck, 1987) over cache slots, so that entries past
// their deadline leave the cache without a sweep and before anything live is evicted. Four levels
// of 64 buckets, each bucket a circular list threaded through typed arrays: 64 ms buckets covering
// 4 s, then 4 s buckets covering 4.4 minutes, 4.4-minute buckets covering 4.7 hours, 4.7-hour
// buckets covering 12 days, and one list for anything later. A slot sits in the bucket of its
// deadline at the finest level whose range holds it. Entering a bucket's span at an upper level
// hands its slots down to finer levels; a level-0 bucket whose span has passed holds slots that are
// due. So a slot is found due within 64 ms of its deadline, in O(1) per slot, however long its TTL.

/** log2 of each level's bucket span in milliseconds. */
const LEVEL_SHIFTS = [6, 12, 18, 24] as const;
const BUCKETS_PER_LEVEL = 64;
/**
 * A tick's bucket within its level. Ticks of epoch milliseconds exceed 32 bits, but `&` keeps
 * their value modulo 2^32, a multiple of 64, so the low bits are still right (negative ones too).
 */
const BUCKET_MASK = BUCKETS_PER_LEVEL - 1;
const LEVELS = LEVEL_SHIFTS.length;
/** The list for deadlines beyond the last level's range, after the levels' buckets. */
const OVERFLOW = LEVELS * BUCKETS_PER_LEVEL;
/** Sentinel nodes (one per bucket and the overflow list) come before the slots' nodes. */
const SENTINELS = OVERFLOW + 1;
const SPANS = LEVEL_SHIFTS.map((shift) => 2 ** shift);
const NONE: readonly number[] = [];
/** A node in no list. */
const UNLINKED = -1;

/**
 * Deadlines of cache slots, to be told which have passed. The wheel only says when to look:
 * the deadlines themselves (`deadlines[slot]`) decide, so a deadline that moved later (an idle
 * entry read again) just makes the slot wait in a later bucket.
 * @internal
 */
export class TimerWheel {
  private next: Int32Array;
  private prev: Int32Array;
  /** For each waiting slot, the latest time its bucket is visited. */
  /** For each waiting slot, its bucket (2 bytes, where the time of its visit would take 8). */
  private bucketOfSlot: Uint16Array;
  /** The time the wheel was last advanced to. */
  private time: number;

  constructor(now: number, slots: number) {
    this.time = now;
    this.next = new Int32Array(SENTINELS + slots).fill(UNLINKED);
    this.prev = new Int32Array(SENTINELS + slots);
    this.bucketOfSlot = new Uint16Array(slots);
    this.reset();
  }

  /** Room for slots below `slots`. */
  growSlots(slots: number): void {
    if (SENTINELS + slots <= this.next.length) return;
    this.next = grown(this.next, SENTINELS + slots, UNLINKED);
    this.prev = grown(this.prev, SENTINELS + slots);
    this.bucketOfSlot = grown(this.bucketOfSlot, slots);
  }

  /** Whether `slot` waits on the wheel. */
  isScheduled(slot: number): boolean {
    return this.next[SENTINELS + slot]! >= 0;
  }

  /**
   * Makes sure `slot` is looked at by the end of the 64 ms tick holding `deadline` (finite). A slot
   * already waiting in a bucket visited by then stays there: the visit reads its new deadline and
   * moves it on, so a deadline pushed later (a write, a read of an idle entry, a slot given to a
   * newcomer) costs nothing now. To take a slot off, set its deadline to infinity: the next visit
   * drops it.
   */
  schedule(slot: number, deadline: number): void {
    const node = SENTINELS + slot;
    const waiting = this.next[node]! >= 0;
    if (
      waiting &&
      this.nextVisit(this.bucketOfSlot[slot]!) <= (Math.floor(deadline / SPANS[0]!) + 1) * SPANS[0]!
    )
      return;
    if (waiting) this.unlink(node);
    const head = this.bucketOf(deadline);
    this.bucketOfSlot[slot] = head;
    const last = this.prev[head]!;
    this.next[last] = node;
    this.prev[node] = last;
    this.next[node] = head;
    this.prev[head] = node;
  }

  /**
   * Moves the wheel to `now` and returns the slots whose deadline (`deadlines[slot]`) has passed
   * (often none), taken off the wheel. Slots met early are put back in the bucket of their deadline.
   */
  advance(now: number, deadlines: Float64Array): readonly number[] {
    const before = this.time;
    if (!(now > before)) return NONE;
    this.time = now;
    // Nothing crosses a bucket boundary in most calls: one division says so.
    if (Math.floor(now / SPANS[0]!) === Math.floor(before / SPANS[0]!)) return NONE;
    const due: number[] = [];
    // Coarse levels first, so that what they hand down lands in finer buckets before those are
    // visited. At an upper level the bucket just entered is visited too (its slots are due within
    // its span, so they move down now); at level 0 only buckets whose span has passed.
    for (let level = LEVELS - 1; level >= 0; level--) {
      const span = SPANS[level]!;
      const from = Math.floor(before / span);
      const to = Math.floor(now / span);
      if (to === from) continue;
      const first = level === 0 ? from : from + 1;
      const last = level === 0 ? to - 1 : to;
      const count = Math.min(last - first + 1, BUCKETS_PER_LEVEL);
      for (let i = 0; i < count; i++) {
        this.drain(level * BUCKETS_PER_LEVEL + ((first + i) & BUCKET_MASK), now, deadlines, due);
      }
      if (level === LEVELS - 1) this.drain(OVERFLOW, now, deadlines, due);
    }
    return due;
  }

  /** Empties the wheel; its time becomes `now`. */
  clear(now: number): void {
    this.next.fill(UNLINKED);
    this.reset();
    this.time = now;
  }

  private reset(): void {
    for (let sentinel = 0; sentinel < SENTINELS; sentinel++) {
      this.next[sentinel] = sentinel;
      this.prev[sentinel] = sentinel;
    }
  }

  /** Detaches a bucket's list, then hands out its due slots and reschedules the others. */
  private drain(bucket: number, now: number, deadlines: Float64Array, due: number[]): void {
    let node = this.next[bucket]!;
    if (node === bucket) return;
    // Detached first: slots rescheduled below may land in this very bucket, and must not be met
    // again. The detached chain still ends at the sentinel, which is where the walk stops.
    this.next[bucket] = bucket;
    this.prev[bucket] = bucket;
    while (node !== bucket) {
      const following = this.next[node]!;
      const slot = node - SENTINELS;
      const deadline = deadlines[slot]!;
      this.next[node] = UNLINKED;
      if (deadline <= now) due.push(slot);
      else if (deadline !== Number.POSITIVE_INFINITY) this.schedule(slot, deadline);
      node = following;
    }
  }

  private unlink(node: number): void {
    const before = this.prev[node]!;
    const after = this.next[node]!;
    this.next[before] = after;
    this.prev[after] = before;
  }

  /** The sentinel of the bucket that should hold `deadline`, judged from the wheel's time. */
  private bucketOf(deadline: number): number {
    const duration = deadline - this.time;
    for (let level = 0; level < LEVELS; level++) {
      const span = SPANS[level]!;
      // A level holds deadlines up to 64 of its buckets ahead.
      if (duration < span * BUCKETS_PER_LEVEL) {
        const tick = Math.floor(deadline / span);
        return level * BUCKETS_PER_LEVEL + (tick & BUCKET_MASK);
      }
    }
    return OVERFLOW;
  }

  /**
   * When `bucket` is next visited, judged from the wheel's time: a level-0 bucket once the next of
   * its ticks has passed (the current one included), an upper level's as the next of its ticks
   * begins, the overflow list as the last level's tick next changes.
   */
  private nextVisit(bucket: number): number {
    const level = Math.floor(bucket / BUCKETS_PER_LEVEL);
    if (level === LEVELS) {
      const top = SPANS[LEVELS - 1]!;
      return (Math.floor(this.time / top) + 1) * top;
    }
    const span = SPANS[level]!;
    const index = bucket & BUCKET_MASK;
    const current = Math.floor(this.time / span);
    if (level === 0) return (current + ((index - current) & BUCKET_MASK) + 1) * span;
    return (current + 1 + ((index - current - 1) & BUCKET_MASK)) * span;
  }
}
