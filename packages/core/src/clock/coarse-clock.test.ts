import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInvalidOptionError } from '../errors/index.js';
import type { Clock, TimerHandle } from './clock.js';
import { coarseClock, coarseSystemClock } from './coarse-clock.js';
import { systemClock } from './system-clock.js';
import { VirtualClock } from './virtual-clock.js';

/** A clock that moves on by 1 ms at every reading and whose timers never fire (a synchronous run). */
class BusyClock implements Clock {
  reads = 0;
  timers = 0;
  now(): number {
    return ++this.reads;
  }
  setTimeout(): TimerHandle {
    this.timers++;
    return { clear: () => {} };
  }
}

describe('coarseClock', () => {
  it('reuses a reading until its resolution has passed on the underlying clock', () => {
    const clock = new VirtualClock(1_000);
    const coarse = coarseClock(clock, { resolutionMs: 5 });
    expect(coarse.now()).toBe(1_000);
    clock.advance(4);
    expect(coarse.now()).toBe(1_000);
    clock.advance(1);
    expect(coarse.now()).toBe(1_005);
    // Only one timer at a time, and none while nobody reads.
    expect(clock.pendingTimers).toBe(1);
    clock.advance(100);
    expect(clock.pendingTimers).toBe(0);
    expect(coarse.now()).toBe(1_105);
  });

  it('reads the clock again after maxReuses calls, when no timer can fire', () => {
    const busy = new BusyClock();
    const coarse = coarseClock(busy, { maxReuses: 3 });
    const readings = Array.from({ length: 9 }, () => coarse.now());
    expect(readings).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3]);
    expect(busy.timers).toBe(1);
  });

  it('never goes backwards and never runs ahead of the clock', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 3, noNaN: true })), { maxLength: 100 }),
        fc.integer({ min: 0, max: 4 }),
        (steps, maxReuses) => {
          const clock = new VirtualClock();
          const coarse = coarseClock(clock, { resolutionMs: 1, maxReuses });
          let previous = Number.NEGATIVE_INFINITY;
          for (const step of steps) {
            clock.advance(step);
            const reading = coarse.now();
            expect(reading).toBeGreaterThanOrEqual(previous);
            expect(reading).toBeLessThanOrEqual(clock.now());
            // At most one resolution behind: the timer that ends a reading has fired by then.
            expect(clock.now() - reading).toBeLessThan(1 + 1e-9);
            previous = reading;
          }
        },
      ),
    );
  });

  it('passes timers through', () => {
    const clock = new VirtualClock();
    const coarse = coarseClock(clock);
    let fired = false;
    coarse.setTimeout(() => {
      fired = true;
    }, 10);
    clock.advance(10);
    expect(fired).toBe(true);
  });

  it('rejects bad options, naming them', () => {
    expect(() => coarseClock(systemClock, { resolutionMs: 0 })).toThrow(/resolutionMs/);
    let thrown: unknown;
    try {
      coarseClock(systemClock, { maxReuses: -1 });
    } catch (error) {
      thrown = error;
    }
    expect(isInvalidOptionError(thrown)).toBe(true);
    expect(() => coarseClock(systemClock, { resolution: 1 } as never)).toThrow(/resolution/);
  });

  it('the shared coarse system clock follows the system clock', () => {
    const before = systemClock.now();
    const reading = coarseSystemClock.now();
    expect(reading).toBeLessThanOrEqual(systemClock.now());
    expect(reading).toBeGreaterThan(before - 1_000);
  });
});
