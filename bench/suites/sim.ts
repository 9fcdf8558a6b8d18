// The sim suite: how fast @keel/sim simulates. There is no other library running the same
// workload, so each case is judged against its target pace instead: an anchor that spends
// exactly the time the target allows per operation. Keel meets the target when it is at least
// as fast as that anchor.

import { circuitBreaker, consecutiveFailures } from '@keel/core/circuit-breaker';
import { pipeline } from '@keel/core/pipeline';
import { exponential, retry } from '@keel/core/retry';
import { timeout } from '@keel/core/timeout';
import { constant, constantRate, lognormal, openLoop, Simulator, World } from '@keel/sim';
import { configFromEnv } from '../harness/config.js';
import type { BenchCase, Operation, Suite, TimedContender } from '../harness/types.js';

const smoke = configFromEnv().smoke;

/** Target of the event case: simulated events per second of wall time. */
const TARGET_EVENTS_PER_SECOND = 1_000_000;
/** Target of the pipeline case: wall time to simulate one hour. */
const TARGET_MS_PER_HOUR = 10_000;

/** Independent chains of self-rescheduling events, each firing once per virtual millisecond. */
const CHAINS = 100;
/** Virtual time one operation of the event case simulates (CHAINS events per millisecond). */
const EVENT_OP_VIRTUAL_MS = smoke ? 10 : 1_000;
const EVENTS_PER_OP = CHAINS * EVENT_OP_VIRTUAL_MS;

/** Requests per second of the pipeline case. */
const RPS = 1_000;
/** Virtual time one operation of the pipeline case simulates: a minute (a second in smoke runs). */
const PIPELINE_OP_VIRTUAL_MS = smoke ? 1_000 : 60_000;

const PACE = 'target pace';

/** Spins until `ns` nanoseconds have passed: the cost an operation may have at the target. */
function spinFor(ns: number): Operation {
  const budget = BigInt(Math.round(ns));
  return () => {
    const end = process.hrtime.bigint() + budget;
    while (process.hrtime.bigint() < end) {
      // waiting on purpose
    }
  };
}

function contender(prepare: () => Operation | Promise<Operation>): TimedContender {
  return { prepare };
}

/**
 * A simulator carrying CHAINS chains of internal events, each rescheduling itself 1 ms later,
 * with phases spread over the millisecond so the queue keeps reordering. One operation advances
 * it by EVENT_OP_VIRTUAL_MS, processing exactly EVENTS_PER_OP events.
 */
async function eventWorkload(): Promise<Operation> {
  const sim = new Simulator({ seed: 1 });
  const tick = (chain: number): void => sim.schedule(1, tick, chain);
  for (let chain = 0; chain < CHAINS; chain++) sim.schedule((chain + 0.5) / CHAINS, tick, chain);
  const operation = async (): Promise<void> => {
    await sim.run(sim.now() + EVENT_OP_VIRTUAL_MS);
  };
  const before = sim.stats.events;
  await operation();
  const processed = sim.stats.events - before;
  if (processed !== EVENTS_PER_OP)
    throw new Error(`event workload processed ${processed} events per operation, expected ${EVENTS_PER_OP}`);
  return operation;
}

/** The pipeline case's world: a client and a service of 64 workers with 1% errors, 1 ms links. */
function trafficWorld(): World {
  const world = new World({ seed: 1, defaultLink: { latency: constant(1) } });
  world.service('api', { concurrency: 64, serviceTime: lognormal(10, 0.3), errorRate: 0.01 });
  world.node('client');
  return world;
}

/**
 * Runs the first operation (the next PIPELINE_OP_VIRTUAL_MS) of a world whose traffic is set up,
 * checks that it settled about RPS requests per second with at least `minOkShare` of them ok,
 * and returns the operation.
 */
async function firstOperation(world: World, workload: string, minOkShare: number): Promise<Operation> {
  const operation = async (): Promise<void> => {
    await world.run(PIPELINE_OP_VIRTUAL_MS);
  };
  await operation();
  const counters = world.metrics.snapshot().counters;
  const ok = counters['req.ok'] ?? 0;
  const settled = ok + (counters['req.failed'] ?? 0);
  const expected = (RPS * PIPELINE_OP_VIRTUAL_MS) / 1000;
  // Poisson arrivals: allow a generous band, but catch a workload that is not running.
  if (settled < expected * 0.8 || settled > expected * 1.2 || ok < settled * minOkShare)
    throw new Error(
      `${workload} workload settled ${settled} requests (${ok} ok), expected about ${expected}`,
    );
  return operation;
}

/**
 * A world with a client sending RPS requests per second (Poisson) to a service with 1% errors,
 * each through a retry + circuit breaker + timeout pipeline of @keel/core, over a network with
 * 1 ms links. One operation simulates the next PIPELINE_OP_VIRTUAL_MS of it.
 */
async function pipelineWorkload(passSignal: boolean): Promise<Operation> {
  const world = trafficWorld();
  const policy = pipeline(
    retry({
      maxRetries: 3,
      backoff: exponential({ initialDelay: 10, maxDelay: 1_000, jitter: 'full' }),
      clock: world.clock,
      random: world.random(),
    }),
    circuitBreaker({ breaker: consecutiveFailures(5), breakDurationMs: 5_000, clock: world.clock }),
    timeout(1_000, { clock: world.clock }),
  );
  const withSignal = (context: { readonly signal: AbortSignal }) =>
    world.call('client', 'api', 'work', { signal: context.signal });
  const withoutSignal = () => world.call('client', 'api', 'work');
  const send = passSignal ? withSignal : withoutSignal;
  openLoop(world.sim, constantRate(RPS), () => world.track('req', () => policy.execute(send)));
  // The retries leave almost no request failed.
  return firstOperation(world, 'pipeline', 0.99);
}

/**
 * The pipeline workload's traffic with no policy at all: each request is one tracked call, with
 * a fresh AbortController's signal when `signalPerCall`. It shows what the simulator and the
 * platform cost before any policy runs; with a signal per call that includes Node's price of
 * making an AbortSignal and of adding and removing the call's abort listener.
 */
async function bareWorkload(signalPerCall: boolean): Promise<Operation> {
  const world = trafficWorld();
  const withSignal = () => world.call('client', 'api', 'work', { signal: new AbortController().signal });
  const withoutSignal = () => world.call('client', 'api', 'work');
  const send = signalPerCall ? withSignal : withoutSignal;
  openLoop(world.sim, constantRate(RPS), () => world.track('req', send));
  return firstOperation(world, 'bare', 0);
}

/** Label of the bare workload with a fresh signal per call. */
const BARE_SIGNAL = 'same traffic, no policy, a fresh AbortSignal per call (limit)';
/** Label of the bare workload without signals. */
const BARE = 'same traffic, no policy (limit)';

/**
 * The pipeline case, with the call passing the policy's signal down or ignoring it, and as its
 * limit the same traffic with no policy (a fresh signal per call when the call passes one).
 */
function pipelineCase(passSignal: boolean): BenchCase {
  const opsPerHour = 3_600_000 / PIPELINE_OP_VIRTUAL_MS;
  const budgetNs = (TARGET_MS_PER_HOUR * 1e6) / opsPerHour;
  const bare = passSignal ? BARE_SIGNAL : BARE;
  return {
    kind: 'time',
    name:
      `one ${smoke ? 'second' : 'minute'} of virtual time at ${RPS.toLocaleString('en-US')} req/s, each through retry(3, jittered backoff)+breaker(consecutive 5)+timeout(1 s) over a simulated network, ` +
      (passSignal ? "the call gets the policy's signal" : "the call ignores the policy's signal"),
    note:
      `Wall time for one hour = ${opsPerHour} x (ns per op); successive ops continue the same world, so a full run simulates more than an hour. ` +
      `Target < ${TARGET_MS_PER_HOUR / 1000} s per simulated hour, that is <= ${budgetNs.toLocaleString('en-US', { maximumFractionDigits: 0 })} ns per op; ` +
      `the "${PACE}" anchor spins for exactly that long. Service: 64 workers, lognormal service time (median 10 ms), 1% errors; links 1 ms; no trace. ` +
      (passSignal
        ? 'Passing the signal down, as scenarios should so that timeouts cancel the wait, makes each call create an AbortController and register an abort listener. ' +
          `The "${bare}" row runs the same requests with no policy, each call given a new AbortController's signal: the floor that Node's signal and listener costs and the simulator set for this case.`
        : 'The same workload as the case above, except that no call reads its signal, so no AbortController is created. ' +
          `The "${bare}" row runs the same requests with no policy: the simulator's own share.`),
    targets: { [PACE]: 1 },
    keel: contender(() => pipelineWorkload(passSignal)),
    anchors: { [PACE]: contender(() => spinFor(budgetNs)) },
    limits: { [bare]: contender(() => bareWorkload(passSignal)) },
  };
}

function cases(): BenchCase[] {
  const eventBudgetNs = (EVENTS_PER_OP / TARGET_EVENTS_PER_SECOND) * 1e9;
  return [
    {
      kind: 'time',
      name: `simulated events, pure event workload (${CHAINS} self-rescheduling chains); one op = ${EVENTS_PER_OP.toLocaleString('en-US')} events`,
      note:
        `Events per second = ${EVENTS_PER_OP.toLocaleString('en-US')} x 1e9 / (ns per op). ` +
        `Target >= ${TARGET_EVENTS_PER_SECOND.toLocaleString('en-US')} events/s, that is <= ${eventBudgetNs.toLocaleString('en-US')} ns per op; ` +
        `the "${PACE}" anchor spins for exactly that long, so a speedup >= 1 meets it.`,
      targets: { [PACE]: 1 },
      keel: contender(eventWorkload),
      anchors: { [PACE]: contender(() => spinFor(eventBudgetNs)) },
    },
    pipelineCase(true),
    pipelineCase(false),
  ];
}

export const suite: Suite = { name: 'sim', cases };
