import type { Clock, TimerHandle } from './clock.js';

interface VirtualTimer {
  at: number;
  seq: number;
  callback: () => void;
  cleared: boolean;
}

class VirtualTimerHandle implements TimerHandle {
  constructor(
    private readonly timer: VirtualTimer,
    private readonly owner: VirtualClock,
  ) {}
  clear(): void {
    if (!this.timer.cleared) {
      this.timer.cleared = true;
      this.owner._cleared();
    }
  }
}

/**
 * A clock that moves only when told to. Timers fire in deadline order, ties in the order they
 * were scheduled, so a run is fully deterministic.
 *
 * `advance` fires timers synchronously; `advanceAsync` lets promise continuations run between
 * timers, which is what ordinary async code under test needs.
 *
 * @example
 * ```ts
 * import { VirtualClock } from '@keel/core/clock';
 * const clock = new VirtualClock();
 * let fired = false;
 * clock.setTimeout(() => { fired = true; }, 100);
 * clock.advance(100);
 * console.log(fired); // true
 * ```
 * @category Time
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private heap: VirtualTimer[] = [];
  private live = 0;

  /** @param start the initial reading of `now()`. @default 0 */
  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer: VirtualTimer = {
      at: this.current + Math.max(0, Number.isFinite(delayMs) ? delayMs : 0),
      seq: this.seq++,
      callback,
      cleared: false,
    };
    this.push(timer);
    this.live++;
    return new VirtualTimerHandle(timer, this);
  }

  /** Number of timers scheduled and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.live;
  }

  /** The deadline of the earliest pending timer, or `undefined` when none is pending. */
  nextTimerAt(): number | undefined {
    this.dropCleared();
    return this.heap[0]?.at;
  }

  /** @internal bookkeeping for cleared handles. */
  _cleared(): void {
    this.live--;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due, synchronously.
   * Timers scheduled by callbacks fire too if they fall inside the window.
   */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /** Moves time to `target` (never backwards), firing due timers synchronously. */
  advanceTo(target: number): void {
    for (;;) {
      const next = this.popDue(target);
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      next.callback();
    }
    if (target > this.current) this.current = target;
  }

  /**
   * Moves time forward by `ms`, firing due timers one at a time and letting queued promise
   * continuations run before each timer and at the end.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.current + ms;
    await flushMicrotasks();
    for (;;) {
      const next = this.popDue(target);
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      next.callback();
      await flushMicrotasks();
    }
    if (target > this.current) this.current = target;
    await flushMicrotasks();
  }

  /**
   * Fires timers in order until none is pending or `limit` have fired, letting promise
   * continuations run between them. Returns the number of timers fired.
   */
  async runAllAsync(limit = 100_000): Promise<number> {
    let fired = 0;
    await flushMicrotasks();
    while (fired < limit) {
      const next = this.popDue(Number.POSITIVE_INFINITY);
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      next.callback();
      fired++;
      await flushMicrotasks();
    }
    return fired;
  }

  private popDue(target: number): VirtualTimer | undefined {
    this.dropCleared();
    const top = this.heap[0];
    if (!top || top.at > target) return undefined;
    this.pop();
    this.live--;
    // Marked so that clearing the handle after the timer fired is a no-op.
    top.cleared = true;
    return top;
  }

  private dropCleared(): void {
    while (this.heap.length > 0 && this.heap[0]!.cleared) this.pop();
  }

  private push(timer: VirtualTimer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * Resolves after the promise continuations queued so far (and those they queue, to a bounded
 * depth) have run. Uses only microtasks, so it works under any clock.
 *
 * @example
 * ```ts
 * import { flushMicrotasks } from '@keel/core/clock';
 * let done = false;
 * void Promise.resolve().then(() => { done = true; });
 * await flushMicrotasks();
 * console.log(done); // true
 * ```
 */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
