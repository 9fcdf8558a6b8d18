import { describe, expect, it } from 'vitest';
import { main as failover } from './failover.js';

describe('leader election examples', () => {
  it('failover: the cut-off leader steps down before the next is elected, with a greater epoch', async () => {
    const result = await failover();
    expect(result.oldLeaderSteppedDown).toBe(true);
    expect(result.epochs[1]! > result.epochs[0]!).toBe(true);
    expect(result.timeline).toHaveLength(3);
    expect(result.timeline[1]).toMatch(/deposed/);
    expect(result.timeline[2]).toMatch(/elected \(epoch 2\)/);
    // Elected once the lease ran out: 15 s after the last renewal, plus at most one jittered retry.
    expect(result.failoverMs).toBeGreaterThanOrEqual(13_000);
    expect(result.failoverMs).toBeLessThanOrEqual(19_400);
  });
});
