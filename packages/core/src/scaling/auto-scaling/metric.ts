import { MetricUnavailableError } from './errors.js';

/**
 * One replica's reading of a per-replica metric. Leave out replicas that are shutting down or
 * have failed: Kubernetes ignores those entirely.
 * @category Auto-scaling
 */
export interface ReplicaSample {
  /**
   * The replica's value; `undefined` when its metric is missing. Missing values are assumed
   * to be the target on a scale-down and 0 on a scale-up, which damps either move.
   */
  readonly value?: number | undefined;
  /**
   * False while the replica is not yet ready (starting up, warming up). Its value is set aside,
   * and on a scale-up it counts as 0, because it will soon take a share of the load.
   * @default true
   */
  readonly ready?: boolean | undefined;
}

/**
 * The average of a per-replica metric across replicas (Kubernetes' `Pods` and `Resource`
 * metrics) aimed at `target`. With `utilization: true` the values are percentages of a
 * per-replica capacity (like CPU of the request): the average is truncated to a whole percent
 * and a missing replica counts as `max(100, target)` on a scale-down, as in Kubernetes.
 * @category Auto-scaling
 */
export interface PerReplicaObservation {
  readonly kind: 'per-replica';
  readonly name: string;
  readonly samples: readonly ReplicaSample[];
  /** Desired average per replica; > 0. */
  readonly target: number;
  readonly utilization?: boolean;
}

/**
 * One value for the whole workload (Kubernetes' `Object`/`External` metric with a `Value`
 * target): the replica count is scaled by `value / target` over the ready replicas.
 * @category Auto-scaling
 */
export interface ValueObservation {
  readonly kind: 'value';
  readonly name: string;
  readonly value: number;
  /** > 0. */
  readonly target: number;
}

/**
 * One value for the whole workload divided among replicas (an `AverageValue` target), such as
 * a queue's depth with a target per worker: the proposal is `ceil(value / targetPerReplica)`.
 * @category Auto-scaling
 */
export interface AverageValueObservation {
  readonly kind: 'average-value';
  readonly name: string;
  readonly value: number;
  /** > 0. */
  readonly targetPerReplica: number;
}

/**
 * A metric that could not be read this time. If any metric is unavailable, the calculator
 * still scales up when the others want to, but never scales down.
 * @category Auto-scaling
 */
export interface UnavailableObservation {
  readonly kind: 'unavailable';
  readonly name: string;
  readonly error?: unknown;
}

/**
 * What a metric source reports for one decision.
 * @example
 * ```ts
 * import type { MetricObservation } from '@keel/core/auto-scaling';
 * const cpu: MetricObservation = {
 *   kind: 'per-replica', name: 'cpu', target: 60, utilization: true,
 *   samples: [{ value: 90 }, { value: 70 }, { ready: false, value: 100 }],
 * };
 * console.log(cpu.samples.length);
 * ```
 * @category Auto-scaling
 */
export type MetricObservation =
  | PerReplicaObservation
  | ValueObservation
  | AverageValueObservation
  | UnavailableObservation;

/**
 * Replica counts a metric is computed against.
 * @category Auto-scaling
 */
export interface ReplicaCounts {
  /** The replica count currently asked for (the scale's spec). */
  readonly current: number;
  /** Replicas that exist (status). */
  readonly running: number;
  /** Replicas that are ready. */
  readonly ready: number;
}

/**
 * One metric's proposal: a replica count, or why there is none.
 * @category Auto-scaling
 */
export type MetricProposal =
  | {
      readonly name: string;
      readonly replicas: number;
      /** `current / target` before any conservative assumption; NaN when not defined. */
      readonly usageRatio: number;
      /** Why the proposal is what it is. */
      readonly note: 'within-tolerance' | 'scaled' | 'damped' | 'direction-reversed';
    }
  | { readonly name: string; readonly replicas: undefined; readonly error: unknown };

/** Tolerances per direction. */
export interface Tolerances {
  readonly up: number;
  readonly down: number;
}

function within(ratio: number, t: Tolerances): boolean {
  return 1 - t.down <= ratio && ratio <= 1 + t.up;
}

function averageRatio(values: readonly number[], target: number, utilization: boolean): number {
  // Summing offsets from the smallest value keeps the average of equal values exact, so a
  // workload sitting on its target is not nudged across a zero tolerance by rounding.
  let low = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < low) low = v;
  let offsets = 0;
  for (const v of values) offsets += v - low;
  const average = low + offsets / values.length;
  // Kubernetes computes utilization as an integer percentage (truncated) before the ratio.
  return (utilization ? Math.trunc(average) : average) / target;
}

function perReplica(o: PerReplicaObservation, counts: ReplicaCounts, t: Tolerances): MetricProposal {
  const utilization = o.utilization === true;
  if (o.samples.length === 0)
    return {
      name: o.name,
      replicas: undefined,
      error: new MetricUnavailableError(o.name, 'no replicas to measure'),
    };
  const readyValues: number[] = [];
  let missing = 0;
  let unready = 0;
  for (const sample of o.samples) {
    if (sample.value === undefined) missing++;
    else if (sample.ready === false) unready++;
    else readyValues.push(sample.value);
  }
  if (readyValues.length === 0)
    return {
      name: o.name,
      replicas: undefined,
      error: new MetricUnavailableError(o.name, 'no value from any ready replica'),
    };
  const usageRatio = averageRatio(readyValues, o.target, utilization);
  const scaleUpWithUnready = unready > 0 && usageRatio > 1;
  if (!scaleUpWithUnready && missing === 0) {
    if (within(usageRatio, t))
      return { name: o.name, replicas: counts.current, usageRatio, note: 'within-tolerance' };
    return { name: o.name, replicas: Math.ceil(usageRatio * readyValues.length), usageRatio, note: 'scaled' };
  }
  // Conservative assumptions: they can only shrink the move, never reverse it.
  const values = readyValues.slice();
  if (missing > 0) {
    const fallback = usageRatio < 1 ? (utilization ? Math.max(100, o.target) : o.target) : 0;
    if (usageRatio !== 1) for (let i = 0; i < missing; i++) values.push(fallback);
  }
  if (scaleUpWithUnready) for (let i = 0; i < unready; i++) values.push(0);
  const newRatio = averageRatio(values, o.target, utilization);
  if (within(newRatio, t))
    return { name: o.name, replicas: counts.current, usageRatio, note: 'within-tolerance' };
  if ((usageRatio < 1 && newRatio > 1) || (usageRatio > 1 && newRatio < 1))
    return { name: o.name, replicas: counts.current, usageRatio, note: 'direction-reversed' };
  const replicas = Math.ceil(newRatio * values.length);
  if ((newRatio < 1 && replicas > counts.current) || (newRatio > 1 && replicas < counts.current))
    return { name: o.name, replicas: counts.current, usageRatio, note: 'direction-reversed' };
  return { name: o.name, replicas, usageRatio, note: 'damped' };
}

/**
 * The replica count one metric asks for, following the Kubernetes replica calculator: the
 * usage ratio times the replicas measured, rounded up; the current count when the ratio is
 * within tolerance; missing and not-yet-ready replicas filled in conservatively, never letting
 * them reverse the direction. Pure.
 * @example
 * ```ts
 * import { proposeReplicas } from '@keel/core/auto-scaling';
 * const proposal = proposeReplicas(
 *   { kind: 'per-replica', name: 'cpu', target: 100, samples: [{ value: 200 }, { value: 200 }] },
 *   { current: 2, running: 2, ready: 2 },
 *   { up: 0.1, down: 0.1 },
 * );
 * console.log(proposal.replicas); // 4
 * ```
 * @category Auto-scaling
 */
export function proposeReplicas(o: MetricObservation, counts: ReplicaCounts, t: Tolerances): MetricProposal {
  switch (o.kind) {
    case 'per-replica':
      return perReplica(o, counts, t);
    case 'value': {
      const usageRatio = o.value / o.target;
      if (counts.current === 0)
        return { name: o.name, replicas: Math.ceil(usageRatio), usageRatio, note: 'scaled' };
      if (within(usageRatio, t))
        return { name: o.name, replicas: counts.current, usageRatio, note: 'within-tolerance' };
      return { name: o.name, replicas: Math.ceil(usageRatio * counts.ready), usageRatio, note: 'scaled' };
    }
    case 'average-value': {
      const usageRatio = o.value / (o.targetPerReplica * counts.running);
      if (within(usageRatio, t))
        return { name: o.name, replicas: counts.running, usageRatio, note: 'within-tolerance' };
      return { name: o.name, replicas: Math.ceil(o.value / o.targetPerReplica), usageRatio, note: 'scaled' };
    }
    case 'unavailable':
      return {
        name: o.name,
        replicas: undefined,
        error: o.error ?? new MetricUnavailableError(o.name, 'no reading'),
      };
  }
}
