import type { Clock } from '@keel/core/clock';
import { check, checkKnownKeys } from '@keel/core/options';
import type { SeededRandom } from '@keel/core/random';
import { type RunOptions, Simulator, type SimulatorStats } from './engine/simulator.js';
import { type FaultTarget, type ScheduledFault, scheduleFaults } from './faults/faults.js';
import { type Counter, type Gauge, type LatencyRecorder, Metrics } from './metrics/metrics.js';
import { Trace, type TraceOptions } from './metrics/trace.js';
import { type LinkOptions, Network, type NodeOptions, type SimNode } from './network/network.js';
import { type CallOptions, Rpc } from './network/rpc.js';
import { Service, type ServiceOptions } from './service/service.js';

/**
 * Options of a {@link World}.
 * @category Simulation
 */
export interface WorldOptions {
  /** Seed of everything random in the world. @default 0 */
  readonly seed?: number | string;
  /** Record a trace: `true` for the defaults, or trace options. @default false */
  readonly trace?: boolean | TraceOptions;
  /** Width of metric series windows, ms. @default 1000 */
  readonly windowMs?: number;
  /** Behaviour of links not configured otherwise. @default 1 ms latency, no faults */
  readonly defaultLink?: LinkOptions;
  /** See {@link SimulatorOptions.quietTurns}. @default 16 */
  readonly quietTurns?: number;
  /** See {@link SimulatorOptions.adaptiveQuiet}. @default true */
  readonly adaptiveQuiet?: boolean;
  /** See {@link SimulatorOptions.resolutionMs}. @default 0 */
  readonly resolutionMs?: number;
}

interface Tracker {
  readonly name: string;
  readonly ok: Counter;
  readonly failed: Counter;
  readonly latency: LatencyRecorder;
  /** Set when the trace records `done` lines. */
  readonly trace: Trace | undefined;
}

interface Sampler {
  readonly sim: Simulator;
  readonly gauge: Gauge;
  readonly read: () => number;
  readonly everyMs: number;
}

function sample(s: Sampler): void {
  s.gauge.set(s.read());
  s.sim.schedule(s.everyMs, sample, s);
}

/**
 * Everything a scenario needs, wired together: a {@link Simulator}, a {@link Network} with
 * {@link Rpc}, {@link Metrics}, an optional {@link Trace}, and named {@link Service}s that
 * faults can target.
 *
 * Components draw their generators from the seed in creation order, so create the load and the
 * faults before the variant-specific parts (policies) to give every variant the same arrivals
 * and the same faults.
 *
 * @example
 * ```ts
 * import { World, constantRate, openLoop } from '@keel/sim';
 * const world = new World({ seed: 1 });
 * world.service('api', { errorRate: 0.1 });
 * world.node('client');
 * openLoop(world.sim, constantRate(100), () => world.track('call', () => world.call('client', 'api', 'x')));
 * await world.run(10_000);
 * console.log(world.metrics.snapshot().counters['call.ok']);
 * ```
 * @category Simulation
 */
export class World implements FaultTarget {
  readonly sim: Simulator;
  readonly network: Network;
  readonly rpc: Rpc;
  readonly metrics: Metrics;
  readonly trace: Trace | undefined;
  readonly services = new Map<string, Service<any>>();
  private readonly trackers = new Map<string, Tracker>();

  constructor(options: WorldOptions = {}) {
    checkKnownKeys('World', options, [
      'seed',
      'trace',
      'windowMs',
      'defaultLink',
      'quietTurns',
      'adaptiveQuiet',
      'resolutionMs',
    ]);
    this.sim = new Simulator({
      seed: options.seed ?? 0,
      ...(options.quietTurns === undefined ? {} : { quietTurns: options.quietTurns }),
      ...(options.resolutionMs === undefined ? {} : { resolutionMs: options.resolutionMs }),
      ...(options.adaptiveQuiet === undefined ? {} : { adaptiveQuiet: options.adaptiveQuiet }),
    });
    const trace = options.trace ?? false;
    this.trace =
      trace === false ? undefined : new Trace(this.sim, trace === true ? {} : check.object('trace', trace));
    this.network = new Network(this.sim, {
      ...(options.defaultLink ? { defaultLink: options.defaultLink } : {}),
      ...(this.trace ? { trace: this.trace } : {}),
    });
    this.rpc = new Rpc(this.network);
    this.metrics = new Metrics(
      this.sim,
      options.windowMs === undefined ? {} : { windowMs: options.windowMs },
    );
  }

  /** The true clock, for patterns on a node without skew. */
  get clock(): Clock {
    return this.sim.clock;
  }

  /** A fresh generator derived from the seed, for a component. */
  random(): SeededRandom {
    return this.sim.fork();
  }

  /** Adds (or returns) a node. */
  node(name: string, options?: NodeOptions): SimNode {
    return this.network.node(name, options);
  }

  /** Adds a service on its own node, reachable by `name`. */
  service<S = undefined>(name: string, options: ServiceOptions<S> = {}): Service<S> {
    const service = new Service<S>(this.rpc, name, options, this.trace);
    this.services.set(name, service);
    this.sample(`${name}.busy`, () => service.busy);
    this.sample(`${name}.queued`, () => service.queued);
    return service;
  }

  /** Sends a request and resolves with the answer (see {@link Rpc.call}). */
  call<R = unknown>(from: string, to: string, body: unknown, options?: CallOptions): Promise<R> {
    return this.rpc.call<R>(from, to, body, options);
  }

  /** Arms a fault schedule against this world's network and services. */
  faults(schedule: readonly ScheduledFault[]): { readonly applied: number; readonly active: number } {
    return scheduleFaults(this.sim, this, schedule, this.trace);
  }

  /**
   * Samples `read()` into the gauge `name` every `everyMs` (default: once per series window, in
   * the middle of each window). Every service is sampled this way as `<name>.busy` and
   * `<name>.queued`. Sampling never stops, so drive a world with {@link World.run} (finite) rather
   * than running its simulator until no event is left.
   */
  sample(name: string, read: () => number, everyMs = this.metrics.windowMs): void {
    const period = check.duration('everyMs', everyMs, this.metrics.windowMs, { above: 0 });
    const sampler: Sampler = { sim: this.sim, gauge: this.metrics.gauge(name), read, everyMs: period };
    this.sim.schedule(period / 2, sample, sampler);
  }

  /**
   * Runs `work` and records its outcome under `name`: counters `name.ok` and `name.failed` and
   * latency `name.latency` (virtual ms from start to settlement). With a trace, each outcome
   * is a `done` line (`name`, `ok`, `ms`).
   */
  track(name: string, work: () => PromiseLike<unknown>): void {
    let tracker = this.trackers.get(name);
    if (!tracker) {
      tracker = {
        name,
        trace: this.trace?.wants('done') ? this.trace : undefined,
        ok: this.metrics.counter(`${name}.ok`),
        failed: this.metrics.counter(`${name}.failed`),
        latency: this.metrics.latency(`${name}.latency`),
      };
      this.trackers.set(name, tracker);
    }
    const t = tracker;
    const sim = this.sim;
    const start = sim.now();
    let pending: PromiseLike<unknown>;
    try {
      pending = work();
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      () => {
        const ms = sim.now() - start;
        t.ok.inc();
        t.latency.record(ms);
        t.trace?.emit('done', { name: t.name, ok: true, ms });
      },
      () => {
        const ms = sim.now() - start;
        t.failed.inc();
        t.latency.record(ms);
        t.trace?.emit('done', { name: t.name, ok: false, ms });
      },
    );
  }

  /** Runs the world for `durationMs` of virtual time from now. */
  run(durationMs: number, options?: RunOptions): Promise<SimulatorStats> {
    return this.sim.run(this.sim.now() + check.duration('durationMs', durationMs, 0), options);
  }
}
