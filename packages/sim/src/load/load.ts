import { InvalidOptionError } from '@keel/core/errors';
import { check, checkKnownKeys } from '@keel/core/options';
import type { Random } from '@keel/core/random';
import type { Distribution } from '../distributions.js';
import type { Simulator } from '../engine/simulator.js';
import type { RateSchedule } from './rate-schedule.js';

/**
 * A running load generator.
 * @category Load
 */
export interface LoadHandle {
  /** Stops generating new requests (those started keep running). */
  stop(): void;
  /** Requests started so far. */
  readonly started: number;
}

/**
 * Options of {@link openLoop}.
 * @category Load
 */
export interface OpenLoopOptions {
  /** Generator of arrival times. @default a fork of the simulator's root generator */
  readonly random?: Random;
  /** No arrivals after this virtual time. @default Infinity */
  readonly stopAt?: number;
}

interface OpenLoopState {
  readonly sim: Simulator;
  readonly random: Random;
  readonly schedule: RateSchedule;
  readonly fire: (index: number) => void;
  readonly meanGapMs: number;
  readonly stopAt: number;
  /** Time of the latest candidate. */
  at: number;
  started: number;
  stopped: boolean;
}

function nextCandidate(state: OpenLoopState): void {
  // Thinning (Lewis and Shedler, 1979): candidates at the maximum rate, each kept with
  // probability rate(t) / maxRate, give a Poisson process with the time-varying rate.
  // Absolute candidate times, so a coarse simulator clock does not stretch the gaps.
  state.at += -state.meanGapMs * Math.log(1 - state.random.next());
  state.sim.scheduleAt(state.at, arrive, state);
}

function arrive(state: OpenLoopState): void {
  if (state.stopped) return;
  if (state.at > state.stopAt) return;
  const max = state.schedule.maxRate;
  if (state.random.next() * max < state.schedule.rateAt(state.at)) {
    state.sim.wake();
    state.fire(state.started++);
  }
  nextCandidate(state);
}

/**
 * Open-loop load: a Poisson arrival process whose rate follows `schedule`; each arrival calls
 * `fire` (which usually starts an async request and does not wait for it), so arrivals keep
 * coming however slow the system gets, as real users do.
 *
 * @example
 * ```ts
 * import { Simulator, constantRate, openLoop } from '@keel/sim';
 * const sim = new Simulator({ seed: 9 });
 * let arrivals = 0;
 * openLoop(sim, constantRate(100), () => { arrivals++; });
 * await sim.run(10_000);
 * console.log(arrivals); // about 1000
 * ```
 * @category Load
 */
export function openLoop(
  sim: Simulator,
  schedule: RateSchedule,
  fire: (index: number) => void,
  options: OpenLoopOptions = {},
): LoadHandle {
  checkKnownKeys('openLoop', options, ['random', 'stopAt']);
  if (!(schedule.maxRate >= 0) || !Number.isFinite(schedule.maxRate))
    throw new InvalidOptionError('schedule.maxRate', schedule.maxRate, 'a finite rate >= 0');
  const state: OpenLoopState = {
    sim,
    random: options.random ?? sim.fork(),
    schedule,
    fire,
    meanGapMs: 1000 / schedule.maxRate,
    stopAt: check.number('stopAt', options.stopAt, Number.POSITIVE_INFINITY, { allowInfinity: true }),
    at: sim.now(),
    started: 0,
    stopped: schedule.maxRate === 0,
  };
  if (!state.stopped) nextCandidate(state);
  return {
    stop: () => {
      state.stopped = true;
    },
    get started() {
      return state.started;
    },
  };
}

/**
 * Options of {@link closedLoop}.
 * @category Load
 */
export interface ClosedLoopOptions {
  /** Number of clients, each with one request outstanding at a time. */
  readonly clients: number;
  /** Pause between a client's answer and its next request. */
  readonly thinkTime: Distribution;
  /** Generator of think times. @default a fork of the simulator's root generator */
  readonly random?: Random;
  /** No new requests after this virtual time. @default Infinity */
  readonly stopAt?: number;
}

/**
 * Closed-loop load: `clients` users, each sending a request, waiting for its outcome (success or
 * failure), thinking, and sending the next. Offered load falls as the system slows, unlike
 * {@link openLoop}.
 *
 * @example
 * ```ts
 * import { Simulator, closedLoop, constant } from '@keel/sim';
 * const sim = new Simulator();
 * const load = closedLoop(sim, { clients: 2, thinkTime: constant(100) }, () => sim.sleep(50));
 * await sim.run(1_000);
 * console.log(load.started); // about 2 * 1000 / 150
 * ```
 * @category Load
 */
export function closedLoop(
  sim: Simulator,
  options: ClosedLoopOptions,
  call: (client: number) => PromiseLike<unknown>,
): LoadHandle {
  checkKnownKeys('closedLoop', options, ['clients', 'thinkTime', 'random', 'stopAt']);
  const clients = check.integer('clients', options.clients, 1, { min: 0 });
  const thinkTime = options.thinkTime;
  if (typeof thinkTime?.sample !== 'function')
    throw new InvalidOptionError('thinkTime', thinkTime, 'a Distribution');
  const random = options.random ?? sim.fork();
  const stopAt = check.number('stopAt', options.stopAt, Number.POSITIVE_INFINITY, { allowInfinity: true });
  let started = 0;
  let stopped = false;
  const begin = (client: number): void => {
    if (stopped || sim.now() > stopAt) return;
    started++;
    const again = (): void => {
      sim.timer(thinkTime.sample(random), begin, client, true);
    };
    call(client).then(again, again);
  };
  // Clients start spread over one think time, so they do not march in lockstep.
  for (let c = 0; c < clients; c++) sim.timer(thinkTime.sample(random), begin, c, true);
  return {
    stop: () => {
      stopped = true;
    },
    get started() {
      return started;
    },
  };
}
