/**
 * A callback the simulator runs at a scheduled instant, with the argument given when it was
 * scheduled (passing an argument lets hot paths reuse one function instead of a closure).
 * @category Simulation
 */
export type EventCallback<A = unknown> = (arg: A) => void;

/** @internal Flag bits stored per event. */
export const EVENT_WAKES = 1;
const EVENT_CANCELLED = 2;

/**
 * A priority queue of events ordered by (time, sequence): earlier time first, and among equal
 * times the one scheduled first. Records live in preallocated parallel arrays indexed by slot,
 * the heap holds slot numbers, and freed slots are reused, so steady-state scheduling
 * allocates nothing. A slot's generation changes on reuse, so a stale cancel is harmless.
 *
 * @example
 * ```ts
 * import { EventQueue } from '@keel/sim';
 * const queue = new EventQueue();
 * queue.push(5, (label) => console.log(label), 'later', 0);
 * queue.push(1, (label) => console.log(label), 'sooner', 0);
 * console.log(queue.peekTime()); // 1
 * ```
 * @category Simulation
 */
export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private flags: Uint8Array;
  private generations: Uint32Array;
  private heap: Int32Array;
  private freeSlots: Int32Array;
  private callbacks: (EventCallback<any> | undefined)[];
  private args: unknown[];
  private freeCount = 0;
  private used = 0;
  private length = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity | 0);
    this.times = new Float64Array(n);
    this.seqs = new Float64Array(n);
    this.flags = new Uint8Array(n);
    this.generations = new Uint32Array(n);
    this.heap = new Int32Array(n);
    this.freeSlots = new Int32Array(n);
    this.callbacks = new Array(n).fill(undefined);
    this.args = new Array(n).fill(undefined);
  }

  /** Number of events in the queue, cancelled ones included until they surface. */
  get size(): number {
    return this.length;
  }

  /**
   * Adds an event and returns its slot; `generation(slot)` read now identifies it for
   * {@link EventQueue.cancel}.
   */
  push<A>(time: number, callback: EventCallback<A>, arg: A, flags: number): number {
    const slot = this.allocate();
    this.times[slot] = time;
    this.seqs[slot] = this.nextSeq++;
    this.flags[slot] = flags;
    this.callbacks[slot] = callback;
    this.args[slot] = arg;
    this.siftUp(this.length++, slot);
    return slot;
  }

  /** The current generation of `slot`. */
  generation(slot: number): number {
    return this.generations[slot]!;
  }

  /** Cancels the event in `slot` if it is still the one of `generation`. Returns true if it was. */
  cancel(slot: number, generation: number): boolean {
    if (this.generations[slot] !== generation || this.callbacks[slot] === undefined) return false;
    if (this.flags[slot]! & EVENT_CANCELLED) return false;
    this.flags[slot]! |= EVENT_CANCELLED;
    // Drop the references now so a cancelled timer does not pin its closure until it surfaces.
    this.callbacks[slot] = noop;
    this.args[slot] = undefined;
    return true;
  }

  /** Time of the earliest event (cancelled ones skipped), or Infinity when empty. */
  peekTime(): number {
    this.dropCancelled();
    return this.length === 0 ? Number.POSITIVE_INFINITY : this.times[this.heap[0]!]!;
  }

  /**
   * Removes the earliest live event and returns its slot, or -1 when the queue is empty.
   * Read it with `timeOf`, `flagsOf`, then `take` (which frees the slot).
   */
  pop(): number {
    this.dropCancelled();
    if (this.length === 0) return -1;
    const top = this.heap[0]!;
    this.removeTop();
    return top;
  }

  /** The scheduled time of a popped slot. */
  timeOf(slot: number): number {
    return this.times[slot]!;
  }

  /** The flags of a popped slot. */
  flagsOf(slot: number): number {
    return this.flags[slot]!;
  }

  /** Runs the popped event's callback after freeing its slot. */
  run(slot: number): void {
    const callback = this.callbacks[slot]!;
    const arg = this.args[slot];
    this.callbacks[slot] = undefined;
    this.args[slot] = undefined;
    this.generations[slot] = (this.generations[slot]! + 1) >>> 0;
    this.freeSlots[this.freeCount++] = slot;
    callback(arg);
  }

  private dropCancelled(): void {
    while (this.length > 0) {
      const top = this.heap[0]!;
      if (!(this.flags[top]! & EVENT_CANCELLED)) return;
      this.removeTop();
      this.callbacks[top] = undefined;
      this.generations[top] = (this.generations[top]! + 1) >>> 0;
      this.freeSlots[this.freeCount++] = top;
    }
  }

  private removeTop(): void {
    const last = this.heap[--this.length]!;
    if (this.length > 0) this.siftDown(0, last);
  }

  private allocate(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount]!;
    if (this.used === this.times.length) this.grow();
    return this.used++;
  }

  private grow(): void {
    const n = this.times.length * 2;
    const times = new Float64Array(n);
    times.set(this.times);
    this.times = times;
    const seqs = new Float64Array(n);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const flags = new Uint8Array(n);
    flags.set(this.flags);
    this.flags = flags;
    const generations = new Uint32Array(n);
    generations.set(this.generations);
    this.generations = generations;
    const heap = new Int32Array(n);
    heap.set(this.heap);
    this.heap = heap;
    const freeSlots = new Int32Array(n);
    freeSlots.set(this.freeSlots);
    this.freeSlots = freeSlots;
    for (let i = this.callbacks.length; i < n; i++) {
      this.callbacks.push(undefined);
      this.args.push(undefined);
    }
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a]!;
    const tb = this.times[b]!;
    return ta < tb || (ta === tb && this.seqs[a]! < this.seqs[b]!);
  }

  private siftUp(index: number, slot: number): void {
    const heap = this.heap;
    let i = index;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (!this.less(slot, parent)) break;
      heap[i] = parent;
      i = parentIndex;
    }
    heap[i] = slot;
  }

  private siftDown(index: number, slot: number): void {
    const heap = this.heap;
    const n = this.length;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = heap[left]!;
      let childIndex = left;
      if (right < n && this.less(heap[right]!, child)) {
        child = heap[right]!;
        childIndex = right;
      }
      if (!this.less(child, slot)) break;
      heap[i] = child;
      i = childIndex;
    }
    heap[i] = slot;
  }
}

function noop(): void {}
