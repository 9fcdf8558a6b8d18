import type { Clock, TimerHandle } from '@keel/core/clock';
import { check, checkKnownKeys } from '@keel/core/options';
import { SeededRandom } from '@keel/core/random';
import { SimulatorBusyError } from '../errors.js';
import { EVENT_WAKES, type EventCallback, EventQueue } from './event-queue.js';

/**
 * Options of a {@link Simulator}.
 * @category Simulation
 */
export interface SimulatorOptions {
  /**
   * Seed of the root random generator; components fork their own generators from it in
   * creation order, so equal seeds give equal runs.
   * @default 0
   */
  readonly seed?: number | string;
  /** Virtual time at which the simulation starts, in milliseconds. @default 0 */
  readonly startMs?: number;
  /**
   * How many consecutive microtask turns without any simulator activity count as quiescence
   * after an event that may have resumed async code. Raise it when awaited chains between two
   * touches of the simulator are deeper than this (a continuation that runs later than the
   * flush still runs deterministically, only at a later virtual instant).
   * @default 16
   */
  readonly quietTurns?: number;
  /**
   * Learn how many quiet turns this workload needs instead of always waiting `quietTurns`: the
   * simulator records the longest run of quiet turns it has seen end in activity, waits that
   * plus a margin, and checks with a full `quietTurns` wait on the first 64 flushes and on every
   * 32nd after, so a deeper chain that shows up is learned. Much faster for busy runs; a deep
   * chain that never coincides with a checking flush would resume late (still deterministically).
   * @default true
   */
  readonly adaptiveQuiet?: boolean;
  /**
   * Granularity of virtual time in milliseconds: when above 0, every event time is rounded up
   * to a multiple of it. Events in the same tick then share an instant (and one microtask
   * flush), run in scheduling order, and latencies are measured in whole ticks. A coarser
   * clock makes long, busy simulations several times faster; 0 keeps exact times.
   * @default 0
   */
  readonly resolutionMs?: number;
}

/**
 * Defaults of {@link SimulatorOptions}.
 * @example
 * ```ts
 * import { DEFAULT_SIMULATOR_OPTIONS } from '@keel/sim';
 * console.log(DEFAULT_SIMULATOR_OPTIONS);
 * ```
 * @category Simulation
 */
export const DEFAULT_SIMULATOR_OPTIONS = {
  seed: 0,
  startMs: 0,
  quietTurns: 16,
  adaptiveQuiet: true,
  resolutionMs: 0,
} as const;

/** Flushes that always wait the full `quietTurns` before the learned limit is used. */
const WARM_UP_FLUSHES = 64;
/** Every this many flushes, one waits the full `quietTurns` (a power of two). */
const CHECK_EVERY = 32;
/** Quiet turns waited beyond the longest gap seen. */
const GAP_MARGIN = 2;

/**
 * Progress of a run, passed to `onProgress`.
 * @category Simulation
 */
export interface RunProgress {
  /** Current virtual time. */
  readonly now: number;
  /** Virtual time the run started at. */
  readonly from: number;
  /** Virtual time the run stops at. */
  readonly until: number;
  /** Fraction of the run done, in [0, 1]. */
  readonly fraction: number;
  /** Events processed since the simulator was created. */
  readonly events: number;
}

/**
 * Options of {@link Simulator.run}.
 * @category Simulation
 */
export interface RunOptions {
  /**
   * Called as virtual time advances; a returned promise is awaited, which lets a browser
   * yield to its event loop between slices of a long run.
   */
  readonly onProgress?: (progress: RunProgress) => void | Promise<void>;
  /** Virtual milliseconds between two `onProgress` calls. @default 1% of the run */
  readonly progressEveryMs?: number;
}

/**
 * Counters of a simulator's work so far.
 * @category Simulation
 */
export interface SimulatorStats {
  /** Events run (cancelled ones excluded). */
  readonly events: number;
  /** Microtask flushes performed. */
  readonly flushes: number;
  /** Events still queued. */
  readonly pending: number;
}

class SimTimer implements TimerHandle {
  constructor(
    private readonly sim: Simulator,
    private readonly slot: number,
    private readonly generation: number,
  ) {}
  clear(): void {
    this.sim._cancel(this.slot, this.generation);
  }
}

/**
 * A clock whose reading is the simulator's time shifted by an offset and stretched by a drift,
 * to model a node whose clock is wrong. Timers are converted back to true time, so a node's
 * 100 ms is 100 ms on its own clock.
 * @category Simulation
 */
export interface SkewedClock extends Clock {
  /** Offset added to true time, in milliseconds. */
  offsetMs: number;
  /** Rate error in parts per million: +1000 runs 0.1% fast. Must stay above -1e6. */
  driftPpm: number;
}

const resolved = Promise.resolve();

interface LoopState {
  readonly from: number;
  readonly target: number;
  readonly every: number;
  nextProgress: number;
  readonly onProgress: RunOptions['onProgress'];
  readonly resolve: (stats: SimulatorStats) => void;
  readonly reject: (error: unknown) => void;
  finishing: boolean;
}

/** `ms` when positive, else 0 (NaN included). */
function nonNegative(ms: number): number {
  if (ms > 0) return ms;
  return 0;
}

function runCallback(callback: () => void): void {
  callback();
}

/**
 * A seeded discrete-event simulator. Events (timers, message deliveries, arrivals) run in
 * order of (virtual time, scheduling order); between instants the simulator lets promise
 * continuations run until quiet, so ordinary async code, such as the toolkit's policies given
 * `simulator.clock` and `simulator.random`, runs in virtual time.
 *
 * Internal events scheduled with {@link Simulator.schedule} are plain callbacks and cost no
 * promise work; a flush happens only after an event that may have resumed async code (a
 * timer set through the clock, or an event that called {@link Simulator.wake}), and events at
 * the same instant share one flush.
 *
 * @example
 * ```ts
 * import { Simulator } from '@keel/sim';
 * const sim = new Simulator({ seed: 1 });
 * const wait = (ms: number) => new Promise<void>((resolve) => sim.clock.setTimeout(resolve, ms));
 * const done = (async () => { await wait(250); return sim.now(); })();
 * await sim.run(1_000);
 * console.log(await done); // 250
 * ```
 * @category Simulation
 */
export class Simulator {
  /** The simulator's true clock, to inject into patterns as their `Clock`. */
  readonly clock: Clock;
  /** The root seeded generator; prefer {@link Simulator.fork} for components. */
  readonly random: SeededRandom;
  private readonly queue = new EventQueue(4096);
  private current: number;
  private readonly quietTurns: number;
  private readonly resolution: number;
  private activity = 0;
  private dirty = false;
  private processed = 0;
  private flushCount = 0;
  private loop: LoopState | undefined;
  private quiet = 0;
  private seen = 0;
  private readonly adaptive: boolean;
  /** Longest run of quiet turns that ended in activity. */
  private longestGap = 0;
  /** Quiet turns the current flush waits for. */
  private limit = 0;

  constructor(options: SimulatorOptions = {}) {
    checkKnownKeys('Simulator', options, Object.keys(DEFAULT_SIMULATOR_OPTIONS));
    const seed = options.seed ?? DEFAULT_SIMULATOR_OPTIONS.seed;
    if (typeof seed === 'string') check.string('seed', seed);
    else check.number('seed', seed, 0);
    this.random = new SeededRandom(seed);
    this.current = check.number('startMs', options.startMs, DEFAULT_SIMULATOR_OPTIONS.startMs);
    this.resolution = check.duration(
      'resolutionMs',
      options.resolutionMs,
      DEFAULT_SIMULATOR_OPTIONS.resolutionMs,
    );
    this.adaptive = check.boolean(
      'adaptiveQuiet',
      options.adaptiveQuiet,
      DEFAULT_SIMULATOR_OPTIONS.adaptiveQuiet,
    );
    this.quietTurns = check.integer('quietTurns', options.quietTurns, DEFAULT_SIMULATOR_OPTIONS.quietTurns, {
      min: 1,
    });
    // Properties rather than methods, so the clock can be passed around detached.
    this.clock = {
      now: () => this.now(),
      setTimeout: (callback: () => void, delayMs: number) => this.timer(delayMs, runCallback, callback, true),
    };
  }

  /** Current virtual time in milliseconds. */
  now(): number {
    this.activity++;
    return this.current;
  }

  /** A new generator derived from the root one, for a component. */
  fork(): SeededRandom {
    return this.random.fork();
  }

  /** Work done so far. */
  get stats(): SimulatorStats {
    return { events: this.processed, flushes: this.flushCount, pending: this.queue.size };
  }

  /**
   * Schedules an internal callback `delayMs` from now (negative or NaN delays count as 0).
   * It must not resume async code unless it calls {@link Simulator.wake}.
   */
  schedule<A>(delayMs: number, callback: EventCallback<A>, arg: A): void {
    this.activity++;
    this.queue.push(this.tick(this.current + nonNegative(delayMs)), callback, arg, 0);
  }

  /** Schedules an internal callback at absolute time `at` (never before now). */
  scheduleAt<A>(at: number, callback: EventCallback<A>, arg: A): void {
    this.activity++;
    let time = this.current;
    if (at > time) time = at;
    this.queue.push(this.tick(time), callback, arg, 0);
  }

  /**
   * Schedules a cancellable callback. With `wakes`, the simulator flushes promise
   * continuations after it runs.
   */
  timer<A>(delayMs: number, callback: EventCallback<A>, arg: A, wakes = false): TimerHandle {
    this.activity++;
    const at = this.current + nonNegative(delayMs);
    const slot = this.queue.push(this.tick(at), callback, arg, wakes ? EVENT_WAKES : 0);
    return new SimTimer(this, slot, this.queue.generation(slot));
  }

  /** @internal cancels a timer; clearing one is activity, like setting one. */
  _cancel(slot: number, generation: number): void {
    this.activity++;
    this.queue.cancel(slot, generation);
  }

  /** `time` rounded up to the clock's resolution. */
  private tick(time: number): number {
    const r = this.resolution;
    return r > 0 ? Math.ceil(time / r) * r : time;
  }

  /** Says that the running event resumed async code (resolved or rejected a promise). */
  wake(): void {
    this.dirty = true;
  }

  /** A promise resolved after `ms` of virtual time. */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.timer(ms, runCallback, resolve, true);
    });
  }

  /**
   * A clock for a node whose time is off: reads `now + offsetMs + (now - start) * driftPpm / 1e6`.
   */
  skewedClock(offsetMs = 0, driftPpm = 0): SkewedClock {
    const start = this.current;
    const sim = this;
    return {
      offsetMs,
      driftPpm,
      now(): number {
        const t = sim.now();
        return t + this.offsetMs + ((t - start) * this.driftPpm) / 1e6;
      },
      setTimeout(callback: () => void, delayMs: number): TimerHandle {
        return sim.timer(delayMs / (1 + this.driftPpm / 1e6), runCallback, callback, true);
      },
    };
  }

  /**
   * Runs events up to and including virtual time `until` (Infinity: until none is left), then
   * sets the clock to `until` if it is finite. Rejects if an event callback or `onProgress`
   * throws.
   */
  run(until: number, options: RunOptions = {}): Promise<SimulatorStats> {
    checkKnownKeys('run', options, ['onProgress', 'progressEveryMs']);
    const onProgress = check.func<NonNullable<RunOptions['onProgress']>>('onProgress', options.onProgress);
    if (this.loop) return Promise.reject(new SimulatorBusyError());
    const from = this.current;
    const target = check.number('until', until, from, { min: from, allowInfinity: true });
    const span = Number.isFinite(target) ? target - from : 0;
    const every = check.duration('progressEveryMs', options.progressEveryMs, span > 0 ? span / 100 : 1000, {
      above: 0,
    });
    return new Promise<SimulatorStats>((resolve, reject) => {
      this.loop = {
        from,
        target,
        every,
        nextProgress: onProgress ? from + every : Number.POSITIVE_INFINITY,
        onProgress,
        resolve,
        reject,
        finishing: false,
      };
      // Let code started before run() settle first.
      this.dirty = true;
      this.settle();
    });
  }

  /** Processes events synchronously until async code needs to run, then settles. */
  private readonly pump = (): void => {
    const loop = this.loop!;
    const queue = this.queue;
    try {
      for (;;) {
        if (this.dirty && queue.peekTime() > this.current) {
          this.settle();
          return;
        }
        if (this.current >= loop.nextProgress && !loop.finishing) {
          loop.nextProgress = this.current + loop.every;
          const pending = loop.onProgress!(this.progress(loop.from, loop.target));
          if (pending && typeof pending.then === 'function') {
            pending.then(this.pump, this.fail);
            return;
          }
        }
        if (queue.peekTime() > loop.target) break;
        const slot = queue.pop();
        if (slot < 0) break;
        const at = queue.timeOf(slot);
        if (at > this.current) this.current = at;
        if (queue.flagsOf(slot) & EVENT_WAKES) this.dirty = true;
        this.processed++;
        queue.run(slot);
      }
      if (Number.isFinite(loop.target) && loop.target > this.current) {
        this.current = loop.target;
        this.dirty = true;
      }
      if (this.dirty) {
        this.settle();
        return;
      }
      if (loop.onProgress && !loop.finishing) {
        loop.finishing = true;
        const pending = loop.onProgress(this.progress(loop.from, loop.target));
        if (pending && typeof pending.then === 'function') {
          pending.then(this.pump, this.fail);
          return;
        }
      }
      this.loop = undefined;
      loop.resolve(this.stats);
    } catch (error) {
      this.fail(error);
    }
  };

  private readonly fail = (error: unknown): void => {
    const loop = this.loop;
    this.loop = undefined;
    loop?.reject(error);
  };

  /**
   * Lets promise continuations run until the simulator has seen no activity for `limit`
   * consecutive microtask turns (see `adaptiveQuiet`), then resumes the pump.
   */
  private settle(): void {
    this.dirty = false;
    const index = this.flushCount++;
    this.limit =
      this.adaptive && index >= WARM_UP_FLUSHES && (index & (CHECK_EVERY - 1)) !== 0
        ? Math.min(this.quietTurns, this.longestGap + GAP_MARGIN)
        : this.quietTurns;
    this.quiet = 0;
    this.seen = this.activity;
    resolved.then(this.quietStep);
  }

  private readonly quietStep = (): void => {
    if (this.activity !== this.seen) {
      this.seen = this.activity;
      if (this.quiet > this.longestGap) this.longestGap = this.quiet;
      this.quiet = 0;
    } else if (++this.quiet >= this.limit) {
      if (this.dirty) this.settle();
      else this.pump();
      return;
    }
    resolved.then(this.quietStep);
  };

  private progress(from: number, until: number): RunProgress {
    const span = until - from;
    const fraction = Number.isFinite(span) && span > 0 ? Math.min(1, (this.current - from) / span) : 1;
    return { now: this.current, from, until, fraction, events: this.processed };
  }
}
