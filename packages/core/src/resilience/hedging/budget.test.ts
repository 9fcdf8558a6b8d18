import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isInvalidOptionError } from '../../errors/index.js';
import { DEFAULT_HEDGING_BUDGET_OPTIONS, HedgingBudget } from './budget.js';

describe('HedgingBudget', () => {
  it('starts full and spends one token per hedge', () => {
    const budget = new HedgingBudget({ clock: new VirtualClock(), maxTokens: 2, minPerSecond: 0 });
    expect(budget.available).toBe(2);
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(false);
    expect(budget.available).toBe(0);
  });

  it('refills with time at minPerSecond, up to maxTokens', () => {
    const clock = new VirtualClock();
    const budget = new HedgingBudget({ clock, ratio: 0, minPerSecond: 2, maxTokens: 1 });
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(false);
    clock.advance(499);
    expect(budget.tryWithdraw()).toBe(false);
    clock.advance(1);
    expect(budget.tryWithdraw()).toBe(true);
    clock.advance(60_000);
    expect(budget.available).toBe(1);
  });

  it('adds up ratio deposits to a whole token despite floating point', () => {
    const budget = new HedgingBudget({
      clock: new VirtualClock(),
      ratio: 0.1,
      minPerSecond: 0,
      maxTokens: 1,
    });
    expect(budget.tryWithdraw()).toBe(true);
    for (let i = 0; i < 9; i++) budget.deposit();
    expect(budget.tryWithdraw()).toBe(false);
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(true);
  });

  it('exports its defaults', () => {
    const budget = new HedgingBudget({ clock: new VirtualClock() });
    expect(budget).toMatchObject(DEFAULT_HEDGING_BUDGET_OPTIONS);
    expect(DEFAULT_HEDGING_BUDGET_OPTIONS).toEqual({ ratio: 0.1, minPerSecond: 1, maxTokens: 10 });
  });

  it('rejects bad options, naming the field', () => {
    const cases: [unknown, string][] = [
      [{ ratio: -0.1 }, 'budget.ratio'],
      [{ minPerSecond: 'often' }, 'budget.minPerSecond'],
      [{ maxTokens: 0 }, 'budget.maxTokens'],
      [{ clock: Date }, 'budget.clock'],
      [{ tokens: 3 }, 'budget.tokens'],
      [null, 'budget'],
    ];
    for (const [options, field] of cases) {
      try {
        new HedgingBudget(options as never);
        expect.unreachable(`accepted ${JSON.stringify(options)}`);
      } catch (error) {
        expect(isInvalidOptionError(error)).toBe(true);
        expect((error as { field: string }).field).toBe(field);
      }
    }
  });
});
