import type { Clock, TimerHandle } from '../../clock/index.js';
import { systemClock } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import { MetricUnavailableError } from './errors.js';
import type { HpaCalculator, ScalingDecision } from './hpa-calculator.js';
import type { MetricObservation } from './metric.js';
import type { MetricSource } from './metric-source.js';

/**
 * The replica counts of a scaled workload.
 * @category Auto-scaling
 */
export interface ReplicaStatus {
  /** The count currently asked for. */
  readonly replicas: number;
  /** Replicas that exist, starting ones included. @default replicas */
  readonly running?: number;
  /** Replicas ready for work. @default running */
  readonly ready?: number;
}

/**
 * What the autoscaler drives: a pool of workers, a deployment, a set of simulated servers.
 * `setReplicas` should return once the change is under way (new replicas starting, surplus
 * ones draining); it need not wait until they are ready or gone.
 * @example
 * ```ts
 * import type { Actuator } from '@keel/core/auto-scaling';
 * let replicas = 1;
 * const fake: Actuator = {
 *   status: () => ({ replicas }),
 *   setReplicas: (n) => { replicas = n; },
 * };
 * console.log(fake.status());
 * ```
 * @category Auto-scaling
 */
export interface Actuator {
  status(): ReplicaStatus | PromiseLike<ReplicaStatus>;
  setReplicas(replicas: number): void | PromiseLike<void>;
}

/**
 * Options of {@link autoscaler}.
 * @category Auto-scaling
 */
export interface AutoscalerOptions {
  /** Makes the decisions (and keeps their history). */
  readonly calculator: HpaCalculator;
  /** Measured at every sync; the highest proposal wins. */
  readonly metrics: readonly MetricSource[];
  /** Applies the decisions. */
  readonly actuator: Actuator;
  /** Source of time for the sync period. @default systemClock */
  readonly clock?: Clock;
  /** Time between syncs (Kubernetes' `--horizontal-pod-autoscaler-sync-period`). @default 15_000 */
  readonly intervalMs?: number;
  /** Stops the loop when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Defaults of {@link AutoscalerOptions}.
 * @example
 * ```ts
 * import { DEFAULT_AUTOSCALER_OPTIONS } from '@keel/core/auto-scaling';
 * console.log(DEFAULT_AUTOSCALER_OPTIONS.intervalMs); // 15000
 * ```
 * @category Auto-scaling
 */
export const DEFAULT_AUTOSCALER_OPTIONS = Object.freeze({ intervalMs: 15_000 });

/**
 * The loop's lifecycle.
 * @category Auto-scaling
 */
export type AutoscalerState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly since: number }
  | { readonly kind: 'stopped'; readonly at: number };

/**
 * Everything the loop does, as typed events:
 * - `decision`: every sync's decision (current, desired, reason, what limited it);
 * - `scaled`: the actuator accepted a change;
 * - `metric-unavailable`: a source failed this sync;
 * - `actuator-failed`: reading the status or changing the count failed;
 * - `state`: the lifecycle moved.
 * @category Auto-scaling
 */
export type AutoscalerEvent =
  | { readonly type: 'decision'; readonly decision: ScalingDecision }
  | { readonly type: 'scaled'; readonly from: number; readonly to: number; readonly at: number }
  | { readonly type: 'metric-unavailable'; readonly metric: string; readonly error: unknown }
  | { readonly type: 'actuator-failed'; readonly phase: 'status' | 'scale'; readonly error: unknown }
  | { readonly type: 'state'; readonly from: AutoscalerState; readonly to: AutoscalerState };

/**
 * A running control loop: every `intervalMs` it reads the actuator's status and every metric,
 * asks the calculator, and applies the result.
 * @category Auto-scaling
 */
export interface Autoscaler {
  readonly state: AutoscalerState;
  /** The most recent decision, if any. */
  readonly lastDecision: ScalingDecision | undefined;
  /** Subscribe to everything the loop does. */
  readonly onEvent: Event<AutoscalerEvent>;
  /** Starts syncing: once now, then every interval. Starting twice is harmless. */
  start(): void;
  /** Stops syncing and resolves once a sync in progress has finished. */
  stop(): Promise<void>;
  /** Runs one sync now (whether or not the loop is running) and returns its decision. */
  sync(): Promise<ScalingDecision | undefined>;
}

class AutoscalerLoop implements Autoscaler {
  private readonly emitter = new EventEmitter<AutoscalerEvent>();
  readonly onEvent = this.emitter.event;
  private current: AutoscalerState = { kind: 'idle' };
  private timer: TimerHandle | undefined;
  private inFlight: Promise<ScalingDecision | undefined> | undefined;
  private last: ScalingDecision | undefined;

  constructor(
    private readonly calculator: HpaCalculator,
    private readonly metrics: readonly MetricSource[],
    private readonly actuator: Actuator,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
  }

  get state(): AutoscalerState {
    return this.current;
  }

  get lastDecision(): ScalingDecision | undefined {
    return this.last;
  }

  start(): void {
    if (this.current.kind === 'running' || this.signal?.aborted) return;
    this.move({ kind: 'running', since: this.clock.now() });
    this.schedule(0);
  }

  async stop(): Promise<void> {
    if (this.current.kind === 'running') this.move({ kind: 'stopped', at: this.clock.now() });
    this.timer?.clear();
    this.timer = undefined;
    await this.inFlight;
  }

  sync(): Promise<ScalingDecision | undefined> {
    // One sync at a time: a decision must see the result of the previous one.
    this.inFlight ??= this.runSync().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private move(to: AutoscalerState): void {
    const from = this.current;
    this.current = to;
    this.emitter.emit({ type: 'state', from, to });
  }

  private schedule(delayMs: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      const started = this.clock.now();
      void this.sync().then(() => {
        if (this.current.kind === 'running')
          this.schedule(Math.max(0, started + this.intervalMs - this.clock.now()));
      });
    }, delayMs);
  }

  private async runSync(): Promise<ScalingDecision | undefined> {
    let status: ReplicaStatus;
    try {
      status = await this.actuator.status();
    } catch (error) {
      this.emitter.emit({ type: 'actuator-failed', phase: 'status', error });
      return undefined;
    }
    const now = this.clock.now();
    const observations = await Promise.all(this.metrics.map((m) => this.observe(m, now)));
    const decision = this.calculator.decide({
      currentReplicas: status.replicas,
      ...(status.running === undefined ? {} : { runningReplicas: status.running }),
      ...(status.ready === undefined ? {} : { readyReplicas: status.ready }),
      metrics: observations,
    });
    this.last = decision;
    this.emitter.emit({ type: 'decision', decision });
    const from = decision.currentReplicas;
    const to = decision.desiredReplicas;
    if (to !== from) {
      try {
        await this.actuator.setReplicas(to);
        this.calculator.recordScale(from, to);
        this.emitter.emit({ type: 'scaled', from, to, at: this.clock.now() });
      } catch (error) {
        this.emitter.emit({ type: 'actuator-failed', phase: 'scale', error });
      }
    }
    return decision;
  }

  private async observe(source: MetricSource, now: number): Promise<MetricObservation> {
    try {
      return await source.sample(now);
    } catch (error) {
      this.emitter.emit({ type: 'metric-unavailable', metric: source.name, error });
      return {
        kind: 'unavailable',
        name: source.name,
        error: new MetricUnavailableError(source.name, 'its source failed', { cause: error }),
      };
    }
  }
}

/**
 * Creates the control loop of an autoscaler. It is idle until `start()`.
 * @example
 * ```ts
 * import { VirtualClock } from '@keel/core/clock';
 * import { autoscaler, HpaCalculator, queueDepthMetric } from '@keel/core/auto-scaling';
 * const clock = new VirtualClock();
 * let replicas = 1;
 * const loop = autoscaler({
 *   calculator: new HpaCalculator(10, { clock }),
 *   metrics: [queueDepthMetric('jobs', () => 35, 10)],
 *   actuator: { status: () => ({ replicas }), setReplicas: (n) => { replicas = n; } },
 *   clock,
 * });
 * loop.onEvent((e) => { if (e.type === 'decision') console.log(e.decision.desiredReplicas, e.decision.reason); });
 * loop.start();
 * await clock.advanceAsync(0);
 * await loop.stop();
 * console.log(replicas); // 4
 * ```
 * @category Auto-scaling
 */
export function autoscaler(options: AutoscalerOptions): Autoscaler {
  if (check.object('options', options) === undefined)
    throw new InvalidOptionError('options', options, 'an object');
  checkKnownKeys('autoscaler', options, [
    'calculator',
    'metrics',
    'actuator',
    'clock',
    'intervalMs',
    'signal',
  ]);
  const calculator = options.calculator;
  if (typeof calculator?.decide !== 'function' || typeof calculator.recordScale !== 'function')
    throw new InvalidOptionError('calculator', calculator, 'an HpaCalculator');
  if (!Array.isArray(options.metrics))
    throw new InvalidOptionError('metrics', options.metrics, 'an array of MetricSource');
  options.metrics.forEach((m, i) => {
    if (typeof m?.sample !== 'function' || typeof m.name !== 'string')
      throw new InvalidOptionError(`metrics[${i}]`, m, 'a MetricSource');
  });
  const actuator = options.actuator;
  if (typeof actuator?.status !== 'function' || typeof actuator.setReplicas !== 'function')
    throw new InvalidOptionError('actuator', actuator, 'an Actuator');
  const clock = options.clock ?? systemClock;
  if (typeof clock?.now !== 'function' || typeof clock.setTimeout !== 'function')
    throw new InvalidOptionError('clock', options.clock, 'a Clock');
  const intervalMs = check.duration('intervalMs', options.intervalMs, DEFAULT_AUTOSCALER_OPTIONS.intervalMs, {
    above: 0,
  });
  const signal = check.signal('signal', options.signal);
  return new AutoscalerLoop(calculator, options.metrics, actuator, clock, intervalMs, signal);
}
