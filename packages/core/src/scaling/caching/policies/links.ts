// Doubly linked lists threaded through two typed arrays. A list is identified by its sentinel
// slot (0 to 3); an empty list's sentinel points at itself, so no operation needs a branch for
// the empty case, and moving a node costs a handful of array writes and no allocation.

/** Intrusive circular doubly linked lists over slot numbers. */
export class Links {
  next: Int32Array;
  prev: Int32Array;

  constructor(slots: number) {
    this.next = new Int32Array(slots);
    this.prev = new Int32Array(slots);
    for (let sentinel = 0; sentinel < 4; sentinel++) {
      this.next[sentinel] = sentinel;
      this.prev[sentinel] = sentinel;
    }
  }

  grow(slots: number): void {
    if (slots <= this.next.length) return;
    const next = new Int32Array(slots);
    next.set(this.next);
    const prev = new Int32Array(slots);
    prev.set(this.prev);
    this.next = next;
    this.prev = prev;
  }

  /** Empties every list (the slots' own links become meaningless). */
  reset(): void {
    for (let sentinel = 0; sentinel < 4; sentinel++) {
      this.next[sentinel] = sentinel;
      this.prev[sentinel] = sentinel;
    }
  }

  /** Links `slot` right after the sentinel: the most recent end. */
  pushFront(list: number, slot: number): void {
    const next = this.next;
    const first = next[list]!;
    next[slot] = first;
    this.prev[slot] = list;
    this.prev[first] = slot;
    next[list] = slot;
  }

  unlink(slot: number): void {
    const next = this.next;
    const prev = this.prev;
    const before = prev[slot]!;
    const after = next[slot]!;
    next[before] = after;
    prev[after] = before;
  }

  /** Moves `slot` to the most recent end of `list` (it may come from another list). */
  moveToFront(list: number, slot: number): void {
    const next = this.next;
    if (next[list] === slot) return;
    const prev = this.prev;
    const before = prev[slot]!;
    const after = next[slot]!;
    next[before] = after;
    prev[after] = before;
    const first = next[list]!;
    next[slot] = first;
    prev[slot] = list;
    prev[first] = slot;
    next[list] = slot;
  }

  /** The least recent slot of `list`, or the sentinel itself when the list is empty. */
  last(list: number): number {
    return this.prev[list]!;
  }
}
