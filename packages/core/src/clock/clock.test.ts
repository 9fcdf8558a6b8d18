import { describe, expect, it } from 'vitest';
import { systemClock } from './system-clock.js';
import { VirtualClock } from './virtual-clock.js';

describe('VirtualClock', () => {
  it('fires timers in deadline order, ties in scheduling order', () => {
    const clock = new VirtualClock(1000);
    const order: string[] = [];
    clock.setTimeout(() => order.push('b'), 20);
    clock.setTimeout(() => order.push('a'), 10);
    clock.setTimeout(() => order.push('c'), 20);
    clock.advance(15);
    expect(order).toEqual(['a']);
    expect(clock.now()).toBe(1015);
    clock.advance(5);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not fire cleared timers and counts them out', () => {
    const clock = new VirtualClock();
    let fired = false;
    const timer = clock.setTimeout(() => {
      fired = true;
    }, 5);
    expect(clock.pendingTimers).toBe(1);
    timer.clear();
    timer.clear();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(10);
    expect(fired).toBe(false);
  });

  it('ignores clear() on a timer that already fired', () => {
    const clock = new VirtualClock();
    const fired = clock.setTimeout(() => {}, 1);
    clock.setTimeout(() => {}, 10);
    clock.advance(1);
    fired.clear();
    expect(clock.pendingTimers).toBe(1);
  });

  it('fires timers scheduled by callbacks within the same advance, at their own time', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
    }, 5);
    clock.advance(20);
    expect(seen).toEqual([5, 10]);
    expect(clock.now()).toBe(20);
  });

  it('lets promise continuations run between timers in advanceAsync', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
    const task = (async () => {
      await wait(10);
      log.push(`first@${clock.now()}`);
      await wait(10);
      log.push(`second@${clock.now()}`);
    })();
    await clock.advanceAsync(25);
    await task;
    expect(log).toEqual(['first@10', 'second@20']);
  });

  it('runAllAsync drains every pending timer', async () => {
    const clock = new VirtualClock();
    let count = 0;
    for (let i = 0; i < 5; i++) clock.setTimeout(() => count++, i * 100);
    expect(await clock.runAllAsync()).toBe(5);
    expect(count).toBe(5);
    expect(clock.nextTimerAt()).toBeUndefined();
  });
});

describe('systemClock', () => {
  it('is monotonic and its timers fire', async () => {
    const a = systemClock.now();
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 5));
    expect(systemClock.now()).toBeGreaterThanOrEqual(a + 4);
  });
});
