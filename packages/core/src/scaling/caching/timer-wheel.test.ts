import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerWheel } from './timer-wheel.js';

const SLOTS = 24;
const TICK = 64;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('TimerWheel', () => {
  it('hands out a slot only once its deadline has passed, and by the end of its 64 ms tick at the latest', () => {
    const deadlineAhead = fc.oneof(
      fc.integer({ min: 0, max: 200 }),
      fc.integer({ min: 0, max: 10 * MINUTE }),
      fc.integer({ min: 0, max: 30 * DAY }),
    );
    const step = fc.oneof(
      fc.record({ op: fc.constant('schedule' as const), slot: fc.nat(SLOTS - 1), ahead: deadlineAhead }),
      fc.record({ op: fc.constant('cancel' as const), slot: fc.nat(SLOTS - 1) }),
      fc.record({
        op: fc.constant('advance' as const),
        by: fc.oneof(
          fc.integer({ min: 0, max: 100 }),
          fc.integer({ min: 0, max: 20 * MINUTE }),
          fc.integer({ min: 0, max: 40 * DAY }),
        ),
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 42 }),
        fc.array(step, { maxLength: 200 }),
        (start, steps) => {
          let now = start;
          const wheel = new TimerWheel(now, 8);
          wheel.growSlots(SLOTS);
          const deadlines = new Float64Array(SLOTS).fill(Number.POSITIVE_INFINITY);
          const waiting = new Set<number>();
          for (const next of steps) {
            if (next.op === 'schedule') {
              deadlines[next.slot] = now + next.ahead;
              wheel.schedule(next.slot, deadlines[next.slot]!);
              waiting.add(next.slot);
            } else if (next.op === 'cancel') {
              // Taken off by having no deadline: the next visit drops it.
              deadlines[next.slot] = Number.POSITIVE_INFINITY;
              waiting.delete(next.slot);
            } else {
              now += next.by;
              for (const slot of wheel.advance(now, deadlines)) {
                expect(waiting.has(slot)).toBe(true);
                expect(deadlines[slot]).toBeLessThanOrEqual(now);
                expect(wheel.isScheduled(slot)).toBe(false);
                waiting.delete(slot);
              }
              // Whatever still waits is due in the current tick or later.
              for (const slot of waiting) {
                expect(Math.floor(deadlines[slot]! / TICK)).toBeGreaterThanOrEqual(Math.floor(now / TICK));
                expect(wheel.isScheduled(slot)).toBe(true);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lets a deadline move later: the slot waits again instead of being handed out early', () => {
    const wheel = new TimerWheel(0, 4);
    const deadlines = new Float64Array([Number.POSITIVE_INFINITY, 100, 100, 100]);
    wheel.schedule(1, 100);
    wheel.schedule(2, 100);
    deadlines[2] = 5 * MINUTE; // an idle entry read again
    expect(wheel.advance(200, deadlines)).toEqual([1]);
    expect(wheel.isScheduled(2)).toBe(true);
    expect(wheel.advance(5 * MINUTE - 1, deadlines)).toEqual([]);
    expect(wheel.advance(5 * MINUTE + TICK, deadlines)).toEqual([2]);
  });

  it('finds a deadline weeks ahead, past its last level, within a tick of it', () => {
    const wheel = new TimerWheel(0, 1);
    const deadline = 45 * DAY + 12_345;
    const deadlines = new Float64Array([deadline]);
    wheel.schedule(0, deadline);
    let now = 0;
    // Advanced in irregular hops, as writes would, up to just before the deadline: nothing is due.
    while (now + 7 * 60 * MINUTE < deadline) {
      now += 7 * 60 * MINUTE;
      expect(wheel.advance(now, deadlines)).toEqual([]);
    }
    expect(wheel.advance(deadline - 1, deadlines)).toEqual([]);
    expect(wheel.advance(deadline + TICK, deadlines)).toEqual([0]);
  });

  it('ignores a clock that goes backwards, and forgets everything on clear', () => {
    const wheel = new TimerWheel(1_000, 2);
    const deadlines = new Float64Array([1_010, 1_020]);
    wheel.schedule(0, 1_010);
    wheel.schedule(1, 1_020);
    expect(wheel.advance(500, deadlines)).toEqual([]);
    wheel.clear(2_000);
    expect(wheel.isScheduled(0)).toBe(false);
    expect(wheel.advance(10_000, deadlines)).toEqual([]);
  });
});
