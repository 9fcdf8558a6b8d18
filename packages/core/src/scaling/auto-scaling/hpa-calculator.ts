import type { Clock } from '../../clock/index.js';
import { systemClock } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import {
  type ResolvedScalingBehavior,
  type ResolvedScalingRules,
  resolveBehavior,
  type ScalingBehavior,
} from './behavior.js';
import {
  type MetricObservation,
  type MetricProposal,
  proposeReplicas,
  type ReplicaCounts,
} from './metric.js';

/**
 * Options of {@link HpaCalculator}.
 * @category Auto-scaling
 */
export interface HpaCalculatorOptions {
  /** Fewest replicas. @default 1 */
  readonly minReplicas?: number;
  /**
   * Usage ratios within this fraction of 1 cause no change (per direction, unless the
   * behavior sets its own).
   * @default 0.1
   */
  readonly tolerance?: number;
  /** Stabilization windows and rate limits; fields left out take the defaults. @default DEFAULT_SCALING_BEHAVIOR */
  readonly behavior?: ScalingBehavior;
  /** Source of time for windows and periods. @default systemClock */
  readonly clock?: Clock;
}

/**
 * Defaults of {@link HpaCalculatorOptions}.
 * @example
 * ```ts
 * import { DEFAULT_HPA_OPTIONS } from '@keel/core/auto-scaling';
 * console.log(DEFAULT_HPA_OPTIONS.tolerance); // 0.1
 * ```
 * @category Auto-scaling
 */
export const DEFAULT_HPA_OPTIONS = Object.freeze({ minReplicas: 1, tolerance: 0.1 });

/**
 * The state of the workload a decision is made for.
 * @category Auto-scaling
 */
export interface HpaInput {
  /** The replica count currently asked for. */
  readonly currentReplicas: number;
  /** Replicas that exist (including starting ones). @default currentReplicas */
  readonly runningReplicas?: number;
  /** Replicas that are ready. @default runningReplicas */
  readonly readyReplicas?: number;
  /** One observation per metric; the highest proposal wins. */
  readonly metrics: readonly MetricObservation[];
}

/**
 * Why a decision came out as it did.
 * - `above-target` / `below-target`: the metrics asked for more / fewer replicas.
 * - `within-tolerance`: every metric is close enough to its target.
 * - `metrics-unavailable`: no metric could be read, or some could not and the rest ask to
 *   scale down (which is then skipped).
 * - `above-max` / `below-min`: the current count is outside the bounds and is brought back.
 * - `autoscaling-disabled`: the workload is at 0 replicas while `minReplicas` > 0.
 * @category Auto-scaling
 */
export type DecisionReason =
  | 'above-target'
  | 'below-target'
  | 'within-tolerance'
  | 'metrics-unavailable'
  | 'above-max'
  | 'below-min'
  | 'autoscaling-disabled';

/**
 * What held the result back from the metrics' proposal, if anything.
 * @category Auto-scaling
 */
export type LimitedBy =
  | 'none'
  | 'stabilization'
  | 'scale-up-policy'
  | 'scale-down-policy'
  | 'max-replicas'
  | 'min-replicas';

/**
 * One decision of the calculator.
 * @category Auto-scaling
 */
export interface ScalingDecision {
  /** Clock time of the decision. */
  readonly at: number;
  readonly currentReplicas: number;
  /** The replica count to ask for. */
  readonly desiredReplicas: number;
  /** The highest proposal of the metrics, before stabilization and limits (NaN when none). */
  readonly proposedReplicas: number;
  /** After the stabilization window, before the rate limits and bounds (NaN when none). */
  readonly stabilizedReplicas: number;
  readonly reason: DecisionReason;
  readonly limitedBy: LimitedBy;
  /** The metric whose proposal won, when one did. */
  readonly metric: string | undefined;
  /** Every metric's proposal, in the order given. */
  readonly proposals: readonly MetricProposal[];
}

interface Timestamped {
  readonly at: number;
  readonly value: number;
}

function changeWithin(events: readonly Timestamped[], periodMs: number, now: number): number {
  const cutoff = now - periodMs;
  let total = 0;
  for (const e of events) if (e.at > cutoff) total += e.value;
  return total;
}

interface ScaleEvents {
  readonly up: readonly Timestamped[];
  readonly down: readonly Timestamped[];
}

/** The replica count at the start of a policy's period: the net change within it undone. */
function periodStart(current: number, events: ScaleEvents, periodMs: number, now: number): number {
  return current - changeWithin(events.up, periodMs, now) + changeWithin(events.down, periodMs, now);
}

/** Highest replica count the scale-up rules allow now (Kubernetes' calculateScaleUpLimitWithScalingRules). */
function scaleUpLimit(current: number, events: ScaleEvents, rules: ResolvedScalingRules, now: number) {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (const policy of rules.policies) {
    const start = periodStart(current, events, policy.periodMs, now);
    const proposed =
      policy.type === 'Pods' ? start + policy.value : Math.ceil(start * (1 + policy.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** Lowest replica count the scale-down rules allow now (Kubernetes' calculateScaleDownLimitWithBehaviors). */
function scaleDownLimit(current: number, events: ScaleEvents, rules: ResolvedScalingRules, now: number) {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const policy of rules.policies) {
    const start = periodStart(current, events, policy.periodMs, now);
    const proposed =
      policy.type === 'Pods' ? start - policy.value : Math.trunc(start * (1 - policy.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

function nonNegativeInteger(field: string, value: unknown, fallback: number): number {
  return check.integer(field, value, fallback, { min: 0 });
}

/**
 * The Kubernetes horizontal pod autoscaler's algorithm, exactly, as a clock-injected object
 * with no I/O: `decide` turns metric observations into a replica count.
 *
 * 1. Each metric proposes `ceil(replicas × current / target)` (see {@link proposeReplicas});
 *    the highest proposal wins. If a metric is unavailable, scaling up still happens but
 *    scaling down does not.
 * 2. Stabilization: the result is kept between the lowest recommendation of the scale-up
 *    window and the highest of the scale-down window (default 0 s and 300 s), so it scales
 *    down only to what has been recommended throughout the window.
 * 3. Rate limits: the scale-up or scale-down policies of the direction, counting the changes
 *    already made within each policy's period; then `minReplicas`/`maxReplicas`.
 *
 * Recommendations are recorded by `decide`; changes by {@link HpaCalculator.recordScale},
 * which the caller invokes once the change has been applied (a failed change does not count
 * against the rate limits).
 *
 * @example
 * ```ts
 * import { VirtualClock } from '@keel/core/clock';
 * import { HpaCalculator } from '@keel/core/auto-scaling';
 * const clock = new VirtualClock();
 * const hpa = new HpaCalculator(10, { clock });
 * const decision = hpa.decide({
 *   currentReplicas: 2,
 *   metrics: [{ kind: 'per-replica', name: 'cpu', target: 50, utilization: true, samples: [{ value: 90 }, { value: 110 }] }],
 * });
 * console.log(decision.desiredReplicas); // 4
 * hpa.recordScale(2, decision.desiredReplicas);
 * ```
 * @category Auto-scaling
 */
export class HpaCalculator {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly behavior: ResolvedScalingBehavior;
  private readonly clock: Clock;
  private readonly longestPeriodMs: number;
  private recommendations: Timestamped[] = [];
  private upEvents: Timestamped[] = [];
  private downEvents: Timestamped[] = [];

  /**
   * @param maxReplicas the most replicas, the one setting without a default (as
   * `spec.maxReplicas` in Kubernetes).
   */
  constructor(maxReplicas: number, options: HpaCalculatorOptions = {}) {
    check.object('options', options);
    checkKnownKeys('HpaCalculator', options, ['minReplicas', 'tolerance', 'behavior', 'clock']);
    this.maxReplicas = check.integer('maxReplicas', maxReplicas, Number.NaN, { min: 1 });
    this.minReplicas = nonNegativeInteger(
      'minReplicas',
      options.minReplicas,
      DEFAULT_HPA_OPTIONS.minReplicas,
    );
    if (this.minReplicas > this.maxReplicas)
      throw new InvalidOptionError(
        'minReplicas',
        this.minReplicas,
        `at most maxReplicas (${this.maxReplicas})`,
      );
    const tolerance = check.number('tolerance', options.tolerance, DEFAULT_HPA_OPTIONS.tolerance, { min: 0 });
    this.behavior = resolveBehavior(options.behavior, tolerance);
    this.longestPeriodMs = Math.max(
      0,
      ...this.behavior.scaleUp.policies.map((p) => p.periodMs),
      ...this.behavior.scaleDown.policies.map((p) => p.periodMs),
    );
    this.clock = options.clock ?? systemClock;
    if (typeof this.clock?.now !== 'function')
      throw new InvalidOptionError('clock', options.clock, 'a Clock');
  }

  /** Computes the replica count for `input` now and records the recommendation. */
  decide(input: HpaInput): ScalingDecision {
    const now = this.clock.now();
    const current = nonNegativeInteger('currentReplicas', input.currentReplicas, Number.NaN);
    const running = nonNegativeInteger('runningReplicas', input.runningReplicas, current);
    const ready = nonNegativeInteger('readyReplicas', input.readyReplicas, running);
    const base = { at: now, currentReplicas: current, metric: undefined, proposals: [] as MetricProposal[] };
    const fixed = (desired: number, reason: DecisionReason, limitedBy: LimitedBy): ScalingDecision => ({
      ...base,
      desiredReplicas: desired,
      proposedReplicas: Number.NaN,
      stabilizedReplicas: Number.NaN,
      reason,
      limitedBy,
    });
    if (current === 0 && this.minReplicas !== 0) return fixed(0, 'autoscaling-disabled', 'none');
    if (current > this.maxReplicas) return fixed(this.maxReplicas, 'above-max', 'max-replicas');
    if (current < this.minReplicas) return fixed(this.minReplicas, 'below-min', 'min-replicas');

    const counts: ReplicaCounts = { current, running, ready };
    const tolerances = { up: this.behavior.scaleUp.tolerance, down: this.behavior.scaleDown.tolerance };
    const proposals = input.metrics.map((m) => proposeReplicas(m, counts, tolerances));
    let proposed = 0;
    let metric: string | undefined;
    let invalid = 0;
    for (const p of proposals) {
      if (p.replicas === undefined) invalid++;
      else if (metric === undefined || p.replicas > proposed) {
        proposed = p.replicas;
        metric = p.name;
      }
    }
    if (invalid >= proposals.length || (invalid > 0 && proposed < current))
      return { ...fixed(current, 'metrics-unavailable', 'none'), proposals };

    const reason: DecisionReason =
      proposed > current ? 'above-target' : proposed < current ? 'below-target' : 'within-tolerance';
    const stabilized = this.stabilize(current, proposed, now);
    const [desired, rateLimit] = this.limitRate(current, stabilized, now);
    const limitedBy: LimitedBy =
      desired !== stabilized ? rateLimit : stabilized !== proposed ? 'stabilization' : 'none';
    return {
      at: now,
      currentReplicas: current,
      desiredReplicas: desired,
      proposedReplicas: proposed,
      stabilizedReplicas: stabilized,
      reason,
      limitedBy,
      metric,
      proposals,
    };
  }

  /**
   * Records that the replica count changed from `from` to `to` now, for the rate limits.
   * Call it once a decision has been applied.
   */
  recordScale(from: number, to: number): void {
    if (to === from) return;
    const now = this.clock.now();
    // Both directions' limits look at both lists, so keep events for the longest period of all.
    const cutoff = now - this.longestPeriodMs;
    this.upEvents = this.upEvents.filter((e) => e.at > cutoff);
    this.downEvents = this.downEvents.filter((e) => e.at > cutoff);
    if (to > from) this.upEvents.push({ at: now, value: to - from });
    else this.downEvents.push({ at: now, value: from - to });
  }

  /** Forgets every recommendation and change (as a restarted controller would). */
  reset(): void {
    this.recommendations = [];
    this.upEvents = [];
    this.downEvents = [];
  }

  private events(): ScaleEvents {
    return { up: this.upEvents, down: this.downEvents };
  }

  private stabilize(current: number, proposed: number, now: number): number {
    const upCutoff = now - this.behavior.scaleUp.stabilizationWindowMs;
    const downCutoff = now - this.behavior.scaleDown.stabilizationWindowMs;
    let upRecommendation = proposed;
    let downRecommendation = proposed;
    const kept: Timestamped[] = [];
    for (const r of this.recommendations) {
      if (r.at > upCutoff) upRecommendation = Math.min(upRecommendation, r.value);
      if (r.at > downCutoff) downRecommendation = Math.max(downRecommendation, r.value);
      // A recommendation older than both windows can never count again.
      if (r.at >= upCutoff || r.at >= downCutoff) kept.push(r);
    }
    kept.push({ at: now, value: proposed });
    this.recommendations = kept;
    let result = current;
    if (result < upRecommendation) result = upRecommendation;
    if (result > downRecommendation) result = downRecommendation;
    return result;
  }

  private limitRate(current: number, desired: number, now: number): [number, LimitedBy] {
    if (desired > current) {
      const limit = Math.max(current, scaleUpLimit(current, this.events(), this.behavior.scaleUp, now));
      const [ceiling, by]: [number, LimitedBy] =
        this.maxReplicas > limit ? [limit, 'scale-up-policy'] : [this.maxReplicas, 'max-replicas'];
      return desired > ceiling ? [ceiling, by] : [desired, 'none'];
    }
    if (desired < current) {
      const limit = Math.min(current, scaleDownLimit(current, this.events(), this.behavior.scaleDown, now));
      const [floor, by]: [number, LimitedBy] =
        this.minReplicas < limit ? [limit, 'scale-down-policy'] : [this.minReplicas, 'min-replicas'];
      return desired < floor ? [floor, by] : [desired, 'none'];
    }
    return [desired, 'none'];
  }
}

/**
 * Creates an {@link HpaCalculator}.
 * @example
 * ```ts
 * import { hpaCalculator } from '@keel/core/auto-scaling';
 * const hpa = hpaCalculator(20, { minReplicas: 2 });
 * console.log(hpa.behavior.scaleUp.policies.length); // 2
 * ```
 * @category Auto-scaling
 */
export function hpaCalculator(maxReplicas: number, options?: HpaCalculatorOptions): HpaCalculator {
  return new HpaCalculator(maxReplicas, options);
}
