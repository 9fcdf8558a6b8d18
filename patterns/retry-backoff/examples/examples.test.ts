import { describe, expect, it } from 'vitest';
import { main as basic } from './basic.js';
import { main as budget } from './budget.js';
import { main as httpRetryAfter } from './http-retry-after.js';
import { main as perAttemptTimeout } from './per-attempt-timeout.js';

describe('retry and backoff examples', () => {
  it('basic: two failures, then the profile, after two jittered waits', async () => {
    const { profile, calls, waits, elapsed } = await basic();
    expect(profile).toEqual({ id: 7, name: 'Ada' });
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
    expect(elapsed).toBeCloseTo(waits[0]! + waits[1]!, -1);
  });

  it('Retry-After: waits what the server asks, and fails fast past the deadline', async () => {
    expect(await httpRetryAfter()).toEqual({
      body: 'done',
      waits: [2_000, 1_000],
      elapsed: 3_000,
      failFast: 'fail fast: 2000 ms asked',
    });
  });

  it('budget: retries during an outage stay near the budget', async () => {
    const { unbudgeted, budgeted } = await budget();
    expect(unbudgeted).toEqual({ calls: 800, refused: 0 });
    // 200 requests + 10 % of them as retries + the 5-per-second floor (the virtual clock stands still).
    expect(budgeted.calls).toBe(200 + 20 + 5);
    // Only the first request spends all its retries (on the floor); every later one is refused once.
    expect(budgeted.refused).toBe(199);
  });

  it('per-attempt timeout: hung attempts are cut and retried until the deadline', async () => {
    expect(await perAttemptTimeout()).toEqual({
      result: 'timeout',
      retriedAfter: [1, 2],
      reasons: ['deadline'],
      finishedAt: 1_000,
    });
  });
});
