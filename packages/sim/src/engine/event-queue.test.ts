import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

function drain(queue: EventQueue): number[] {
  const out: number[] = [];
  for (;;) {
    const slot = queue.pop();
    if (slot < 0) return out;
    out.push(queue.timeOf(slot));
    queue.run(slot);
  }
}

describe('EventQueue', () => {
  it('pops by time, ties in push order, growing past its initial capacity', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
        const queue = new EventQueue(16);
        const order: number[] = [];
        times.forEach((t, i) => {
          queue.push(t, (index: number) => order.push(index), i, 0);
        });
        drain(queue);
        const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
        expect(order).toEqual(expected.map((e) => e.i));
      }),
    );
  });

  it('skips cancelled events', () => {
    const queue = new EventQueue(16);
    const seen: string[] = [];
    const a = queue.push(1, (s: string) => seen.push(s), 'a', 0);
    const genA = queue.generation(a);
    queue.push(2, (s: string) => seen.push(s), 'b', 0);
    expect(queue.cancel(a, genA)).toBe(true);
    expect(queue.cancel(a, genA)).toBe(false);
    expect(queue.peekTime()).toBe(2);
    drain(queue);
    expect(seen).toEqual(['b']);
    expect(queue.peekTime()).toBe(Number.POSITIVE_INFINITY);
  });

  it('ignores a stale cancel once the slot was reused', () => {
    const queue = new EventQueue(16);
    const seen: string[] = [];
    const a = queue.push(1, (s: string) => seen.push(s), 'a', 0);
    const genA = queue.generation(a);
    drain(queue);
    const c = queue.push(3, (s: string) => seen.push(s), 'c', 0);
    expect(c).toBe(a);
    expect(queue.cancel(a, genA)).toBe(false);
    drain(queue);
    expect(seen).toEqual(['a', 'c']);
  });
});
