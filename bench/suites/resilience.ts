// The resilience suite: Keel's policies against cockatiel, opossum and p-retry on identical
// workloads with equivalent settings, plus the bare `await fn()` each policy wraps.

import { bulkhead as keelBulkhead } from '@keel/core/bulkhead';
import {
  consecutiveFailures,
  isBrokenCircuitError,
  circuitBreaker as keelCircuitBreaker,
} from '@keel/core/circuit-breaker';
import { pipeline as keelPipeline } from '@keel/core/pipeline';
import { constant, retry as keelRetry } from '@keel/core/retry';
import { timeout as keelTimeout } from '@keel/core/timeout';
import {
  BrokenCircuitError,
  bulkhead,
  ConsecutiveBreaker,
  ConstantBackoff,
  circuitBreaker,
  handleAll,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import CircuitBreaker from 'opossum';
import pRetry from 'p-retry';
import type { BenchCase, Operation, Suite, TimedContender } from '../harness/types.js';

const COCKATIEL = 'cockatiel@4.0.0';
const OPOSSUM = 'opossum@9.0.0';
const P_RETRY = 'p-retry@7.1.1';
const BARE = 'bare await fn() (limit)';
const TIMEOUT_NOTE =
  "cockatiel's timeout is given abortOnReturn: false to match Keel's default; cockatiel's own default (true) aborts every call's signal after it returns, which costs several microseconds per call on Node 20.";

/** Every breaker opens after 5 consecutive failures and tries again after this long. */
const HALF_OPEN_AFTER_MS = 30_000;
/** Open-circuit cases keep the circuit open far longer than any run lasts. */
const STAYS_OPEN_MS = 3_600_000;

/** The user function that ignores its context: the smallest asynchronous work there is. */
const ignoresSignal = (): Promise<number> => Promise.resolve(1);

/** The user function that reads its signal, as well-behaved cancellable code does. */
const readsSignal = (context: { readonly signal: AbortSignal }): Promise<number> => {
  if (context.signal.aborted) return Promise.reject(context.signal.reason);
  return Promise.resolve(1);
};

/** One failure instance shared by every contender, so nobody pays for building stack traces. */
const failure = new Error('planned failure');
const fails = (): Promise<number> => Promise.reject(failure);

/** A function that fails on odd calls and succeeds on even ones: one retry per operation. */
function failsEveryOtherCall(): () => Promise<number> {
  let calls = 0;
  return () => (++calls % 2 === 1 ? Promise.reject(failure) : Promise.resolve(1));
}

function contender(prepare: () => Operation | Promise<Operation>): TimedContender {
  return { prepare };
}

/** Checks one run of an operation before it is timed, so a broken wiring fails loudly. */
async function checked(operation: Operation, expected: unknown = 1): Promise<Operation> {
  const value = await operation();
  if (value !== expected)
    throw new Error(`benchmark operation returned ${String(value)}, expected ${String(expected)}`);
  return operation;
}

const neverAborted = new AbortController().signal;

function cockatielBreaker(halfOpenAfter = HALF_OPEN_AFTER_MS) {
  return circuitBreaker(handleAll, { halfOpenAfter, breaker: new ConsecutiveBreaker(5) });
}

function keelBreaker(breakDurationMs = HALF_OPEN_AFTER_MS) {
  return keelCircuitBreaker({ breaker: consecutiveFailures(5), breakDurationMs });
}

/**
 * Retry outermost, timeout innermost, as cockatiel's `wrap` orders them. Keel's retry gets the
 * constant zero backoff cockatiel uses when given none; no retry happens on the success path.
 */
function keelPipelineOf() {
  return keelPipeline(
    keelRetry({ maxRetries: 3, backoff: constant({ delay: 0 }) }),
    keelBreaker(),
    keelTimeout(1000, { mode: 'cooperative', abortOnReturn: false }),
  );
}

function cockatielPipeline() {
  return wrap(retry(handleAll, { maxAttempts: 3 }), cockatielBreaker(), cockatielTimeout());
}

/** Cooperative, and no abort once the function has returned: Keel's default, so both do the same work. */
function cockatielTimeout() {
  return timeout(1000, { strategy: TimeoutStrategy.Cooperative, abortOnReturn: false });
}

/**
 * opossum has no consecutive-failure breaker; the closest setting opens at 50 % failures once
 * 5 calls are in its rolling window. Its per-call timeout, rolling percentiles and snapshot
 * events are switched off so that it does no more work than the others.
 */
const OPOSSUM_OPTIONS = {
  timeout: false,
  rollingPercentilesEnabled: false,
  enableSnapshots: false,
  volumeThreshold: 5,
  errorThresholdPercentage: 50,
  resetTimeout: HALF_OPEN_AFTER_MS,
} as const;

function opossumBreaker<T>(
  action: () => Promise<T>,
  resetTimeout = HALF_OPEN_AFTER_MS,
): CircuitBreaker<[], T> {
  return new CircuitBreaker(action, { ...OPOSSUM_OPTIONS, resetTimeout });
}

/** Runs `operation` expecting rejection with an error `accepts` recognises; resolves 1. */
async function rejectsWith(
  operation: () => Promise<unknown>,
  accepts: (error: unknown) => boolean,
): Promise<number> {
  try {
    await operation();
  } catch (error) {
    if (accepts(error)) return 1;
    throw error;
  }
  throw new Error('expected the open circuit to reject');
}

async function tripped(run: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 5; i++) await run().catch(() => undefined);
}

function cases(): BenchCase[] {
  return [
    {
      kind: 'time',
      name: 'retry(3)+breaker(consecutive 5)+timeout(1 s, cooperative, no abort on return) pipeline, success path, fn ignores its signal',
      note: TIMEOUT_NOTE,
      targets: { [COCKATIEL]: 10 },
      keel: contender(() => {
        const policy = keelPipelineOf();
        return checked(() => policy.execute(ignoresSignal));
      }),
      anchors: {
        [COCKATIEL]: contender(() => {
          const policy = cockatielPipeline();
          return checked(() => policy.execute(ignoresSignal));
        }),
      },
      limits: { [BARE]: contender(() => checked(ignoresSignal)) },
    },
    {
      kind: 'time',
      name: 'retry(3)+breaker(consecutive 5)+timeout(1 s, cooperative, no abort on return) pipeline, success path, fn reads its signal',
      note: `Reading the signal makes each side create AbortControllers and listeners. ${TIMEOUT_NOTE}`,
      keel: contender(() => {
        const policy = keelPipelineOf();
        return checked(() => policy.execute(readsSignal));
      }),
      anchors: {
        [COCKATIEL]: contender(() => {
          const policy = cockatielPipeline();
          return checked(() => policy.execute(readsSignal));
        }),
      },
      limits: {
        [BARE]: contender(() => {
          const context = { signal: neverAborted };
          return checked(() => readsSignal(context));
        }),
      },
    },
    {
      kind: 'time',
      name: 'closed circuit breaker (opens after 5 consecutive failures; opossum: 50 % of >= 5 calls, no timeout), success path',
      note: 'opossum options: timeout false, rollingPercentilesEnabled false, enableSnapshots false, volumeThreshold 5, errorThresholdPercentage 50, resetTimeout 30 s (it has no consecutive-failure breaker).',
      targets: { [COCKATIEL]: 2, [OPOSSUM]: 5 },
      keel: contender(() => {
        const breaker = keelBreaker();
        return checked(() => breaker.execute(ignoresSignal));
      }),
      anchors: {
        [COCKATIEL]: contender(() => {
          const breaker = cockatielBreaker();
          return checked(() => breaker.execute(ignoresSignal));
        }),
        [OPOSSUM]: contender(() => {
          const breaker = opossumBreaker(ignoresSignal);
          return checked(() => breaker.fire());
        }),
      },
      limits: { [BARE]: contender(() => checked(ignoresSignal)) },
    },
    ...openCircuitCases(),
    {
      kind: 'time',
      name: 'retry after one failure, zero delay (Keel and cockatiel: up to 3 retries, constant 0 ms; p-retry: retries 3, minTimeout 0)',
      note: 'cockatiel waits on a 0 ms platform timer between attempts (Node rounds it up to 1 ms); Keel and p-retry skip the timer when the delay is 0.',
      keel: contender(() => {
        const policy = keelRetry({ maxRetries: 3, backoff: constant({ delay: 0 }) });
        const fn = failsEveryOtherCall();
        return checked(() => policy.execute(fn));
      }),
      anchors: {
        [COCKATIEL]: contender(() => {
          const policy = retry(handleAll, { maxAttempts: 3, backoff: new ConstantBackoff(0) });
          const fn = failsEveryOtherCall();
          return checked(() => policy.execute(fn));
        }),
        [P_RETRY]: contender(() => {
          const fn = failsEveryOtherCall();
          const options = { retries: 3, minTimeout: 0, factor: 1, randomize: false };
          return checked(() => pRetry(fn, options));
        }),
      },
      limits: {
        [`${BARE}: one failed and one successful call`]: contender(() => {
          const fn = failsEveryOtherCall();
          return checked(() => fn().catch(() => fn()));
        }),
      },
    },
    {
      kind: 'memory',
      name: 'memory per closed circuit breaker, 10,000 breakers (consecutive 5; opossum as in the closed-breaker case)',
      note: 'opossum also starts an unref()ed interval timer per breaker for its rolling window.',
      count: 10_000,
      keel: { create: () => keelBreaker() },
      anchors: {
        [COCKATIEL]: { create: () => cockatielBreaker() },
        [OPOSSUM]: { create: () => opossumBreaker(ignoresSignal) },
      },
    },
    {
      kind: 'time',
      name: 'timeout alone (1 s, cooperative, no abort on return), success path',
      note: TIMEOUT_NOTE,
      keel: contender(() => {
        const policy = keelTimeout(1000, { mode: 'cooperative', abortOnReturn: false });
        return checked(() => policy.execute(ignoresSignal));
      }),
      anchors: {
        [COCKATIEL]: contender(() => {
          const policy = cockatielTimeout();
          return checked(() => policy.execute(ignoresSignal));
        }),
      },
      limits: { [BARE]: contender(() => checked(ignoresSignal)) },
    },
    {
      kind: 'time',
      name: 'bulkhead alone (limit 10, no queue), success path',
      keel: contender(() => {
        const policy = keelBulkhead({ maxConcurrent: 10, maxQueue: 0 });
        return checked(() => policy.execute(ignoresSignal));
      }),
      anchors: {
        [COCKATIEL]: contender(() => {
          const policy = bulkhead(10, 0);
          return checked(() => policy.execute(ignoresSignal));
        }),
      },
      limits: { [BARE]: contender(() => checked(ignoresSignal)) },
    },
  ];
}

function openCircuitCases(): BenchCase[] {
  const anchors = {
    [COCKATIEL]: contender(async () => {
      const breaker = cockatielBreaker(STAYS_OPEN_MS);
      await tripped(() => breaker.execute(fails));
      return checked(() =>
        rejectsWith(
          () => breaker.execute(ignoresSignal),
          (error) => error instanceof BrokenCircuitError,
        ),
      );
    }),
    [OPOSSUM]: contender(async () => {
      const breaker = opossumBreaker(fails, STAYS_OPEN_MS);
      await tripped(() => breaker.fire());
      if (!breaker.opened) throw new Error('opossum breaker did not open');
      return checked(() =>
        rejectsWith(
          () => breaker.fire(),
          (error) => (error as { code?: unknown }).code === 'EOPENBREAKER',
        ),
      );
    }),
  };
  return [
    {
      kind: 'time',
      name: 'open-circuit rejection, Keel throw mode (execute rejects with BrokenCircuitError) vs anchors rejecting (cockatiel BrokenCircuitError, opossum EOPENBREAKER)',
      keel: contender(async () => {
        const breaker = keelBreaker(STAYS_OPEN_MS);
        await tripped(() => breaker.execute(fails));
        if (breaker.state.kind !== 'open') throw new Error('Keel breaker did not open');
        return checked(() => rejectsWith(() => breaker.execute(ignoresSignal), isBrokenCircuitError));
      }),
      anchors,
    },
    {
      kind: 'time',
      name: 'open-circuit rejection, Keel result mode (returns a failure Outcome) vs anchors rejecting (cockatiel BrokenCircuitError, opossum EOPENBREAKER)',
      keel: contender(async () => {
        const breaker = keelBreaker(STAYS_OPEN_MS);
        await tripped(() => breaker.execute(fails));
        return checked(async () => {
          const outcome = await breaker.executeResult(ignoresSignal);
          if (outcome.ok || !isBrokenCircuitError(outcome.error))
            throw new Error('expected a refusal outcome');
          return 1;
        });
      }),
      anchors,
    },
  ];
}

export const suite: Suite = { name: 'resilience', cases };
