// Doubly linked lists threaded through one typed array of fixed-size nodes. A list is identified
// by its sentinel slot (0 to 3); an empty list's sentinel points at itself, so no operation needs
// a branch for the empty case, and moving a node costs a handful of array writes and no
// allocation. A slot's links and the policy's own words for it (its key's hash, its region) sit
// side by side in 16 bytes, so touching a cold entry costs one cache miss rather than one per
// array: on a full cache most misses and evictions land on entries nobody has touched lately.

/** Words per node; a slot's node starts at `slot << NODE_SHIFT`. @internal */
export const NODE_SHIFT = 2;
const NEXT = 0;
const PREV = 1;
/** A word the policy owns: W-TinyLFU and S3-FIFO keep the key's mixed hash there. @internal */
export const HASH = 2;
/** A word the policy owns: the entry's region (list) and any flags. @internal */
export const META = 3;

/** Intrusive circular doubly linked lists over slot numbers, with two spare words per slot. @internal */
export class Links {
  /** Four 32-bit words per slot: next, prev, {@link HASH}, {@link META}. Replaced by `grow`. */
  nodes: Int32Array;

  constructor(slots: number) {
    this.nodes = new Int32Array(Math.max(slots, 4) << NODE_SHIFT);
    this.reset();
  }

  /** The number of slots that fit. */
  get slots(): number {
    return this.nodes.length >>> NODE_SHIFT;
  }

  grow(slots: number): void {
    if (slots <= this.slots) return;
    const nodes = new Int32Array(slots << NODE_SHIFT);
    nodes.set(this.nodes);
    this.nodes = nodes;
  }

  /** Empties every list (the slots' own links become meaningless). */
  reset(): void {
    const nodes = this.nodes;
    for (let sentinel = 0; sentinel < 4; sentinel++) {
      nodes[(sentinel << NODE_SHIFT) + NEXT] = sentinel;
      nodes[(sentinel << NODE_SHIFT) + PREV] = sentinel;
    }
  }

  /** Links `slot` right after the sentinel: the most recent end. */
  pushFront(list: number, slot: number): void {
    const nodes = this.nodes;
    const at = slot << NODE_SHIFT;
    const head = list << NODE_SHIFT;
    const first = nodes[head + NEXT]!;
    nodes[at + NEXT] = first;
    nodes[at + PREV] = list;
    nodes[(first << NODE_SHIFT) + PREV] = slot;
    nodes[head + NEXT] = slot;
  }

  unlink(slot: number): void {
    const nodes = this.nodes;
    const at = slot << NODE_SHIFT;
    const before = nodes[at + PREV]!;
    const after = nodes[at + NEXT]!;
    nodes[(before << NODE_SHIFT) + NEXT] = after;
    nodes[(after << NODE_SHIFT) + PREV] = before;
  }

  /** Moves `slot` to the most recent end of `list` (it may come from another list). */
  moveToFront(list: number, slot: number): void {
    const nodes = this.nodes;
    const head = list << NODE_SHIFT;
    const first = nodes[head + NEXT]!;
    if (first === slot) return;
    const at = slot << NODE_SHIFT;
    const before = nodes[at + PREV]!;
    const after = nodes[at + NEXT]!;
    nodes[(before << NODE_SHIFT) + NEXT] = after;
    nodes[(after << NODE_SHIFT) + PREV] = before;
    nodes[at + NEXT] = first;
    nodes[at + PREV] = list;
    nodes[(first << NODE_SHIFT) + PREV] = slot;
    nodes[head + NEXT] = slot;
  }

  /** The least recent slot of `list`, or the sentinel itself when the list is empty. */
  last(list: number): number {
    return this.nodes[(list << NODE_SHIFT) + PREV]!;
  }
}
