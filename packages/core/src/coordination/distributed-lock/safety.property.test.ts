// The safety checker: thousands of randomized acquisitions by clients whose clocks run at
// different rates, who pause (some past their lease) and who sometimes ignore their signal,
// against a store whose clock may jump. Checked: fencing tokens strictly increase; no two
// holders act at once (when clocks stay within the drift allowance); a fenced resource never
// accepts a write older than one it has accepted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Clock, flushMicrotasks, type TimerHandle, VirtualClock } from '../../clock/index.js';
import { seededRandom } from '../../random/index.js';
import { sleep } from '../../signal/index.js';
import { isStaleFencingTokenError } from './errors.js';
import { FencedStore } from './fenced-store.js';
import { InMemoryLeaseStore } from './in-memory-lease-store.js';
import type { LockHandle } from './lock-handle.js';
import { LeaseLockProvider } from './lock-provider.js';

/** A client clock running at `rate` times real (virtual) time. */
class RateClock implements Clock {
  private readonly start: number;
  constructor(
    private readonly base: VirtualClock,
    private readonly rate: number,
  ) {
    this.start = base.now();
  }
  now(): number {
    return this.start + (this.base.now() - this.start) * this.rate;
  }
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.base.setTimeout(callback, delayMs / this.rate);
  }
}

/** A server clock that jumps forward by `jumpMs` once real time reaches `jumpAt`. */
class JumpingClock implements Clock {
  constructor(
    private readonly base: VirtualClock,
    private readonly jumpAt: number,
    private readonly jumpMs: number,
  ) {}
  now(): number {
    const t = this.base.now();
    return t >= this.jumpAt ? t + this.jumpMs : t;
  }
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.base.setTimeout(callback, delayMs);
  }
}

interface ClientPlan {
  readonly rate: number;
  readonly ignoresSignal: boolean;
  readonly pauses: readonly number[];
  readonly actionMs: number;
}

interface RunReport {
  acquisitions: number;
  tokens: bigint[];
  overlaps: number;
  liveHoldersAtGrant: number;
  acceptedTokens: bigint[];
  staleRejected: number;
}

const TTL = 100;

async function simulate(
  plans: readonly ClientPlan[],
  rounds: number,
  jump?: { at: number; by: number },
): Promise<RunReport> {
  const base = new VirtualClock();
  const serverClock = jump ? new JumpingClock(base, jump.at, jump.by) : base;
  const store = new InMemoryLeaseStore({ clock: serverClock });
  const resource = new FencedStore<number>();
  const report: RunReport = {
    acquisitions: 0,
    tokens: [],
    overlaps: 0,
    liveHoldersAtGrant: 0,
    acceptedTokens: [],
    staleRejected: 0,
  };
  const current: (LockHandle | undefined)[] = plans.map(() => undefined);
  const acting: ({ token: bigint } | undefined)[] = plans.map(() => undefined);

  const client = async (plan: ClientPlan, index: number): Promise<void> => {
    const clock = new RateClock(base, plan.rate);
    const locks = new LeaseLockProvider(store, {
      clock,
      random: seededRandom(index + 1),
      defaults: { ttlMs: TTL, waitMs: 1_000_000, retry: { delayMs: 5, maxDelayMs: 40 } },
    });
    for (let round = 0; round < rounds; round++) {
      const lock = await locks.acquire('resource');
      report.acquisitions++;
      report.tokens.push(lock.token);
      // Everyone else's handle must already say it is not held (reading re-checks the clock).
      current.forEach((other, i) => {
        if (i !== index && other?.held) report.liveHoldersAtGrant++;
      });
      current[index] = lock;
      for (const pause of plan.pauses) {
        await sleep(clock, pause);
        if (!plan.ignoresSignal && !lock.held) break;
        // An action that takes time: it counts as exclusive only if the lock held throughout.
        const heldAtStart = lock.held;
        if (heldAtStart) {
          for (const [i, other] of acting.entries()) if (i !== index && other) report.overlaps++;
          acting[index] = { token: lock.token };
        }
        await sleep(clock, plan.actionMs);
        acting[index] = undefined;
        if (!plan.ignoresSignal && !lock.held) break;
        try {
          resource.update('counter', lock.token, (n) => (n ?? 0) + 1);
          report.acceptedTokens.push(lock.token);
        } catch (error) {
          if (!isStaleFencingTokenError(error)) throw error;
          report.staleRejected++;
          break;
        }
      }
      current[index] = undefined;
      await lock.release();
    }
  };

  let running = plans.length;
  const done = plans.map((plan, i) =>
    client(plan, i).finally(() => {
      running--;
    }),
  );
  for (let guard = 0; running > 0 && guard < 1_000_000; guard++) {
    if ((await base.runAllAsync(1_000)) === 0) await flushMicrotasks();
  }
  await Promise.all(done);
  return report;
}

const clientPlan = (maxRateSlowdown: number) =>
  fc.record({
    rate: fc.double({ min: 1 - maxRateSlowdown, max: 1.05, noNaN: true }),
    ignoresSignal: fc.boolean(),
    pauses: fc.array(fc.integer({ min: 0, max: 3 * TTL }), { minLength: 1, maxLength: 4 }),
    actionMs: fc.integer({ min: 0, max: 30 }),
  });

function strictlyIncreasing(tokens: readonly bigint[]): boolean {
  return tokens.every((token, i) => i === 0 || token > tokens[i - 1]!);
}
function nonDecreasing(tokens: readonly bigint[]): boolean {
  return tokens.every((token, i) => i === 0 || token >= tokens[i - 1]!);
}

describe('distributed lock safety checker', () => {
  it('holds mutual exclusion and fencing across thousands of randomized acquisitions', async () => {
    let total = 0;
    let stale = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(clientPlan(0.005), { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 3, max: 6 }),
        async (plans, rounds) => {
          const report = await simulate(plans, rounds);
          total += report.acquisitions;
          stale += report.staleRejected;
          expect(report.acquisitions).toBe(plans.length * rounds);
          expect(strictlyIncreasing(report.tokens)).toBe(true);
          expect(report.liveHoldersAtGrant).toBe(0);
          expect(report.overlaps).toBe(0);
          expect(nonDecreasing(report.acceptedTokens)).toBe(true);
        },
      ),
      { numRuns: 150, seed: 20_241_127 },
    );
    expect(total).toBeGreaterThan(2_000);
    // Zombies that ignore their signal did try to write late, and were refused.
    expect(stale).toBeGreaterThan(0);
  });

  it('keeps fencing safe when the store clock jumps (where leases alone break)', async () => {
    let overlapsSeen = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(clientPlan(0.005), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: TTL, max: 5 * TTL }),
        async (plans, at, by) => {
          const report = await simulate(plans, 4, { at, by });
          overlapsSeen += report.liveHoldersAtGrant;
          expect(strictlyIncreasing(report.tokens)).toBe(true);
          expect(nonDecreasing(report.acceptedTokens)).toBe(true);
        },
      ),
      { numRuns: 80, seed: 7 },
    );
    // The jumps did make two clients believe they held the lock at once: only the tokens saved it.
    expect(overlapsSeen).toBeGreaterThan(0);
  });

  it('shows a clock running slower than the drift allowance breaking lease-only exclusion', async () => {
    const report = await simulate(
      [
        { rate: 0.5, ignoresSignal: false, pauses: [85, 5], actionMs: 0 },
        { rate: 1, ignoresSignal: false, pauses: [0], actionMs: 0 },
      ],
      1,
    );
    expect(report.liveHoldersAtGrant).toBeGreaterThan(0);
    expect(strictlyIncreasing(report.tokens)).toBe(true);
  });
});
