import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { invalidOptionField } from '../../testing/index.js';
import { DEFAULT_RETRY_BUDGET_OPTIONS, RetryBudget } from './retry-budget.js';

describe('RetryBudget', () => {
  it('allows one retry per 1/ratio requests once the floor is used up', () => {
    const clock = new VirtualClock();
    const budget = new RetryBudget({ ratio: 0.25, minRetriesPerSecond: 2, clock });
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
    for (let i = 0; i < 3; i++) budget.recordRequest();
    expect(budget.tryAcquireRetry()).toBe(false);
    budget.recordRequest();
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
  });

  it('refills the per-second floor with time, up to its size', () => {
    const clock = new VirtualClock();
    const budget = new RetryBudget({ ratio: 0, minRetriesPerSecond: 4, clock });
    for (let i = 0; i < 4; i++) expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
    clock.advance(250);
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
    clock.advance(60_000);
    expect(budget.available).toBe(4);
  });

  it('counts ten deposits of 0.1 as one whole token despite binary rounding', () => {
    const budget = new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 0, clock: new VirtualClock() });
    for (let i = 0; i < 10; i++) budget.recordRequest();
    expect(budget.available).toBe(1);
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
    expect(budget.balance).toBeGreaterThanOrEqual(0);
  });

  it('caps the banked balance', () => {
    const budget = new RetryBudget({
      ratio: 1,
      minRetriesPerSecond: 0,
      maxBalance: 3,
      clock: new VirtualClock(),
    });
    for (let i = 0; i < 10; i++) budget.recordRequest();
    expect(budget.balance).toBe(3);
    expect(budget.available).toBe(3);
  });

  it('never goes negative and never exceeds ratio × requests + floor', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        fc.array(fc.oneof(fc.constant('request'), fc.constant('retry'), fc.integer({ min: 1, max: 2_000 }))),
        (ratio, floor, steps) => {
          const clock = new VirtualClock();
          const budget = new RetryBudget({ ratio, minRetriesPerSecond: floor, clock });
          let requests = 0;
          let retries = 0;
          for (const step of steps) {
            if (step === 'request') {
              budget.recordRequest();
              requests++;
            } else if (step === 'retry') {
              if (budget.tryAcquireRetry()) retries++;
            } else {
              clock.advance(step);
            }
            if (budget.balance < 0 || budget.available < 0) return false;
          }
          const floorAllowance = floor + (clock.now() / 1_000) * floor;
          return retries <= ratio * requests + floorAllowance + 1e-9;
        },
      ),
    );
  });

  it('has documented defaults', () => {
    const budget = new RetryBudget({ clock: new VirtualClock() });
    expect([budget.ratio, budget.minRetriesPerSecond, budget.maxBalance]).toEqual([
      DEFAULT_RETRY_BUDGET_OPTIONS.ratio,
      DEFAULT_RETRY_BUDGET_OPTIONS.minRetriesPerSecond,
      DEFAULT_RETRY_BUDGET_OPTIONS.maxBalance,
    ]);
  });

  it.each([
    ['ratio', { ratio: -0.1 }],
    ['minRetriesPerSecond', { minRetriesPerSecond: Number.NaN }],
    ['maxBalance', { maxBalance: -1 }],
    ['clock', { clock: { now: 1 } }],
    ['RetryBudget.percent', { percent: 20 }],
    ['options', 5],
  ])('rejects a bad %s', (field, options) => {
    expect(invalidOptionField(() => new RetryBudget(options as never))).toBe(field);
  });
});
