import { InvalidOptionError } from '../../errors/index.js';
import { check } from '../../options/index.js';
import type { MetricObservation, ReplicaSample } from './metric.js';

/**
 * Something an autoscaler can measure. `sample` may be synchronous or return a promise; a
 * throw or a rejection makes the metric unavailable for that decision (which then never
 * scales down).
 * @example
 * ```ts
 * import type { MetricSource } from '@keel/core/auto-scaling';
 * const backlog: MetricSource = {
 *   name: 'backlog',
 *   sample: async () => ({ kind: 'average-value', name: 'backlog', value: 120, targetPerReplica: 20 }),
 * };
 * console.log(backlog.name);
 * ```
 * @category Auto-scaling
 */
export interface MetricSource {
  readonly name: string;
  /** Reads the metric for a decision made at clock time `now`. */
  sample(now: number): MetricObservation | PromiseLike<MetricObservation>;
}

type Read<T> = (now: number) => T | PromiseLike<T>;

function source<T>(name: string, read: Read<T>, wrap: (value: T) => MetricObservation): MetricSource {
  check.string('name', name);
  if (typeof read !== 'function') throw new InvalidOptionError('read', read, 'a function');
  return {
    name,
    sample(now) {
      const value = read(now);
      return isThenable(value) ? Promise.resolve(value).then(wrap) : wrap(value);
    },
  };
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function positive(field: string, value: unknown): number {
  return check.number(field, value, Number.NaN, { above: 0 });
}

/**
 * A per-replica metric averaged across replicas and aimed at `targetAverage` (Kubernetes'
 * `Pods` metric with an `AverageValue` target), such as requests per second per replica.
 * `read` lists one sample per live replica; a sample without a value is a missing metric,
 * one with `ready: false` a replica still starting.
 * @example
 * ```ts
 * import { perReplicaMetric } from '@keel/core/auto-scaling';
 * const rps = perReplicaMetric('rps', () => [{ value: 120 }, { value: 80 }], 100);
 * console.log(rps.sample(0)); // { kind: 'per-replica', name: 'rps', target: 100, samples: [...] }
 * ```
 * @category Auto-scaling
 */
export function perReplicaMetric(
  name: string,
  read: Read<readonly ReplicaSample[]>,
  targetAverage: number,
): MetricSource {
  const target = positive('targetAverage', targetAverage);
  return source(name, read, (samples) => ({ kind: 'per-replica', name, target, samples }));
}

/**
 * Utilization of each replica's capacity in percent (like CPU of the request), aimed at
 * `targetPercent`: Kubernetes' `Resource` metric with an `averageUtilization` target. For a
 * worker pool, a replica's utilization is the share of the last interval it spent busy.
 * @example
 * ```ts
 * import { utilizationMetric } from '@keel/core/auto-scaling';
 * const cpu = utilizationMetric('cpu', () => [{ value: 90 }, { value: 70 }, { value: 0, ready: false }], 60);
 * console.log(cpu.name);
 * ```
 * @category Auto-scaling
 */
export function utilizationMetric(
  name: string,
  read: Read<readonly ReplicaSample[]>,
  targetPercent: number,
): MetricSource {
  const target = positive('targetPercent', targetPercent);
  return source(name, read, (samples) => ({ kind: 'per-replica', name, target, utilization: true, samples }));
}

/**
 * Requests in flight per replica, aimed at `targetPerReplica` (concurrency-based scaling, as
 * Knative's default). `read` gives each replica's in-flight count.
 * @example
 * ```ts
 * import { inFlightMetric } from '@keel/core/auto-scaling';
 * const inFlight = inFlightMetric('in-flight', () => [12, 9, 15], 10);
 * console.log(inFlight.sample(0));
 * ```
 * @category Auto-scaling
 */
export function inFlightMetric(
  name: string,
  read: Read<readonly number[]>,
  targetPerReplica: number,
): MetricSource {
  const target = positive('targetPerReplica', targetPerReplica);
  return source(name, read, (counts) => ({
    kind: 'per-replica',
    name,
    target,
    samples: counts.map((value) => ({ value })),
  }));
}

/**
 * The depth of a shared queue (or any workload-wide backlog), with a target per replica:
 * the proposal is `ceil(depth / targetPerReplica)`, like an `External` metric with an
 * `AverageValue` target (how KEDA scales on queues).
 * @example
 * ```ts
 * import { queueDepthMetric } from '@keel/core/auto-scaling';
 * const queue: number[] = [1, 2, 3];
 * const depth = queueDepthMetric('jobs', () => queue.length, 2);
 * console.log(depth.sample(0)); // { kind: 'average-value', name: 'jobs', value: 3, targetPerReplica: 2 }
 * ```
 * @category Auto-scaling
 */
export function queueDepthMetric(name: string, read: Read<number>, targetPerReplica: number): MetricSource {
  const target = positive('targetPerReplica', targetPerReplica);
  return source(name, read, (value) => ({ kind: 'average-value', name, value, targetPerReplica: target }));
}

/**
 * Any workload-wide value with a target for the whole workload (an `Object`/`External` metric
 * with a `Value` target), for example a latency percentile: the ready replicas are scaled by
 * `value / target`.
 * @example
 * ```ts
 * import { valueMetric } from '@keel/core/auto-scaling';
 * const p99 = valueMetric('p99-ms', () => 240, 200);
 * console.log(p99.sample(0)); // { kind: 'value', name: 'p99-ms', value: 240, target: 200 }
 * ```
 * @category Auto-scaling
 */
export function valueMetric(name: string, read: Read<number>, target: number): MetricSource {
  const checked = positive('target', target);
  return source(name, read, (value) => ({ kind: 'value', name, value, target: checked }));
}
