import { type Clock, systemClock, type TimerHandle } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import { type Disposable, type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import { type Random, systemRandom } from '../../random/index.js';
import type { ShardKey } from '../sharding/hash.js';
import type { BalancingAlgorithm, BalancingStrategy } from './algorithms/algorithm.js';
import type { Endpoint, EndpointSet } from './endpoint-set.js';
import { NoEndpointError } from './errors.js';
import { type CallOutcome, type EjectionReason, Host } from './host.js';
import { type OutlierDetectionOptions, OutlierDetector, parseOutlierDetection } from './outlier-detection.js';
import { parseSlowStart, type SlowStart, type SlowStartOptions, slowStartFactor } from './slow-start.js';

/**
 * What every balancer offers: pick an endpoint for a call, then report how the call went (or
 * release it when there is nothing to report, such as a cancelled call). Exactly one `report` or
 * `release` must follow each `pick`, since balancers count outstanding calls.
 *
 * @example
 * ```ts
 * import { type Balancer, EndpointSet, loadBalancer, roundRobin } from '@keel/core/load-balancing';
 * const balancer: Balancer = loadBalancer(new EndpointSet([{ id: 'a' }]), roundRobin());
 * const endpoint = balancer.pick();
 * balancer.report(endpoint, { latencyMs: 4, ok: true, status: 200 });
 * ```
 * @category Load balancing
 */
export interface Balancer<M = unknown> {
  /** Chooses an endpoint; `key` asks hash-based algorithms for affinity. Throws NoEndpointError. */
  pick(key?: ShardKey): Endpoint<M>;
  /** Reports the outcome of a call made with `pick`, ending it. */
  report(endpoint: Endpoint<M>, outcome: CallOutcome): void;
  /** Ends a call made with `pick` without an outcome. */
  release(endpoint: Endpoint<M>): void;
}

/**
 * A change of an endpoint's health in a balancer.
 * @category Load balancing
 */
export type BalancerEvent<M = unknown> =
  | {
      readonly kind: 'ejected';
      readonly endpoint: Endpoint<M>;
      readonly reason: EjectionReason;
      readonly durationMs: number;
      /** How many times it has been ejected (the backoff multiplier). */
      readonly ejections: number;
    }
  | { readonly kind: 'returned'; readonly endpoint: Endpoint<M> };

/**
 * Live figures of one endpoint in a balancer.
 * @category Load balancing
 */
export interface EndpointStats {
  readonly id: string;
  readonly outstanding: number;
  /** Weight after slow start. */
  readonly effectiveWeight: number;
  readonly ejected: boolean;
  /** Peak-EWMA latency estimate (ms), undefined before the first sample or for other algorithms. */
  readonly latencyEstimateMs: number | undefined;
}

/**
 * Options of {@link LoadBalancer}.
 * @category Load balancing
 */
export interface LoadBalancerOptions {
  /** Time source for latency decay, slow start and ejection. @default systemClock */
  readonly clock?: Clock;
  /** Source of chance for random and power-of-two choices. @default systemRandom */
  readonly random?: Random;
  /**
   * Passive health checking: eject endpoints that fail (Envoy's defaults apply to every field
   * left out). `true` means all defaults; `false` turns it off.
   * @default false
   */
  readonly outlierDetection?: OutlierDetectionOptions | boolean;
  /**
   * Ramp the weight of endpoints added after the balancer was created. Applies to weighted
   * algorithms (not plain round robin nor the hash algorithms). Undefined turns it off.
   * @default undefined
   */
  readonly slowStart?: SlowStartOptions;
}

/**
 * Defaults of {@link LoadBalancerOptions}.
 * @example
 * ```ts
 * import { DEFAULT_LOAD_BALANCER_OPTIONS } from '@keel/core/load-balancing';
 * console.log(DEFAULT_LOAD_BALANCER_OPTIONS.outlierDetection); // false
 * ```
 * @category Load balancing
 */
export const DEFAULT_LOAD_BALANCER_OPTIONS = {
  clock: systemClock,
  random: systemRandom,
  outlierDetection: false,
  slowStart: undefined,
} as const;

/**
 * A client-side load balancer over a watchable {@link EndpointSet}: the algorithm chooses, the
 * balancer keeps what algorithms read (outstanding calls, latency, slow-start weights) and
 * ejects failing endpoints. Pure and deterministic under a VirtualClock and a seeded Random.
 *
 * @example
 * ```ts
 * import { EndpointSet, loadBalancer, peakEwma } from '@keel/core/load-balancing';
 * const endpoints = new EndpointSet([{ id: 'a:80' }, { id: 'b:80' }, { id: 'c:80' }]);
 * const balancer = loadBalancer(endpoints, peakEwma(), { outlierDetection: true });
 * balancer.events((event) => console.log(event.kind, event.endpoint.id));
 * const endpoint = balancer.pick();
 * balancer.report(endpoint, { latencyMs: 8, ok: true, status: 200 });
 * balancer.dispose();
 * ```
 * @category Load balancing
 */
export class LoadBalancer<M = unknown> implements Balancer<M>, Disposable {
  /** The algorithm's name, such as `peak-ewma`. */
  readonly algorithm: string;
  private readonly clock: Clock;
  private readonly strategy: BalancingStrategy;
  private readonly usesWeights: boolean;
  private readonly slowStart: SlowStart | undefined;
  private readonly detector: OutlierDetector | undefined;
  private readonly hosts = new Map<string, Host>();
  private readonly joinedAt = new Map<string, number>();
  private hostList: Host[] = [];
  private eligible: Host[] = [];
  private seenVersion = -1;
  private stale = true;
  /** Latest end of a slow-start window among the hosts; -Infinity when none is ramping. */
  private rampingUntil = Number.NEGATIVE_INFINITY;
  private timer: TimerHandle | undefined;
  private disposed = false;
  private readonly subscription: Disposable;
  private readonly eventsEmitter = new EventEmitter<BalancerEvent<M>>();
  /** Ejections and returns to service. */
  readonly events: Event<BalancerEvent<M>> = this.eventsEmitter.event;

  constructor(
    private readonly set: EndpointSet<M>,
    algorithm: BalancingAlgorithm,
    options: LoadBalancerOptions = {},
  ) {
    checkKnownKeys('options', options, Object.keys(DEFAULT_LOAD_BALANCER_OPTIONS));
    check.object('options.clock', options.clock);
    check.object('options.random', options.random);
    this.clock = options.clock ?? systemClock;
    const random = options.random ?? systemRandom;
    if (typeof algorithm?.create !== 'function')
      throw new InvalidOptionError('algorithm', algorithm, 'a BalancingAlgorithm such as roundRobin()');
    this.algorithm = algorithm.name;
    this.usesWeights = algorithm.usesWeights;
    this.slowStart = parseSlowStart('options.slowStart', options.slowStart);
    const detection = options.outlierDetection ?? false;
    if (detection !== false) {
      const settings = parseOutlierDetection('options.outlierDetection', detection === true ? {} : detection);
      this.detector = new OutlierDetector(
        settings,
        () => random.next(),
        () => this.hostList,
        (host, reason, duration) => this.eject(host, reason, duration),
        (host) => this.restore(host),
      );
      const sweep = (): void => {
        if (this.disposed) return;
        this.detector!.sweep(this.clock.now());
        this.timer = this.clock.setTimeout(sweep, settings.intervalMs);
      };
      this.timer = this.clock.setTimeout(sweep, settings.intervalMs);
    }
    this.strategy = algorithm.create({ clock: this.clock, random });
    // Initial members are warm; only later arrivals go through slow start.
    for (const endpoint of set.endpoints) this.addHost(endpoint, Number.NEGATIVE_INFINITY);
    this.seenVersion = set.version;
    this.hostList = set.endpoints.map((e) => this.hosts.get(e.id)!);
    this.subscription = set.changed((change) => {
      this.stale = true;
      // Slow start counts from the moment the endpoint joined, not from the next pick.
      if (change.kind === 'added') this.joinedAt.set(change.endpoint.id, this.clock.now());
    });
  }

  pick(key?: ShardKey): Endpoint<M> {
    if (this.stale) this.refresh();
    else if (this.rampingUntil !== Number.NEGATIVE_INFINITY && this.usesWeights) this.ramp();
    const eligible = this.eligible;
    if (eligible.length === 0) throw new NoEndpointError(this.hostList.length, this.hostList.length);
    const host = this.strategy.pick(key);
    host.outstanding++;
    return host.endpoint as Endpoint<M>;
  }

  report(endpoint: Endpoint<M>, outcome: CallOutcome): void {
    const host = this.hosts.get(endpoint.id);
    if (!host) return; // removed meanwhile
    if (host.outstanding > 0) host.outstanding--;
    if (this.strategy.report) this.strategy.report(host, outcome, this.clock.now());
    this.detector?.record(host, outcome);
  }

  release(endpoint: Endpoint<M>): void {
    const host = this.hosts.get(endpoint.id);
    if (host && host.outstanding > 0) host.outstanding--;
  }

  /** Figures for every endpoint, in set order. */
  stats(): EndpointStats[] {
    if (this.stale) this.refresh();
    return this.hostList.map((h) => ({
      id: h.endpoint.id,
      outstanding: h.outstanding,
      effectiveWeight: h.weight,
      ejected: h.ejected,
      latencyEstimateMs: h.latencyEstimate < 0 ? undefined : h.latencyEstimate,
    }));
  }

  /** Stops the outlier-detection timer and stops watching the endpoint set. */
  dispose(): void {
    this.disposed = true;
    this.timer?.clear();
    this.subscription.dispose();
    this.eventsEmitter.clear();
  }

  private addHost(endpoint: Endpoint<M>, addedAt: number): void {
    const host = new Host(endpoint as Endpoint, addedAt);
    this.hosts.set(endpoint.id, host);
  }

  /** Brings hosts in line with the set, recomputes weights and the eligible list. */
  private refresh(): void {
    this.stale = false;
    if (this.seenVersion !== this.set.version) {
      this.seenVersion = this.set.version;
      const now = this.clock.now();
      const present = new Set<string>();
      for (const endpoint of this.set.endpoints) {
        present.add(endpoint.id);
        const host = this.hosts.get(endpoint.id);
        if (!host)
          this.addHost(
            endpoint,
            this.slowStart ? (this.joinedAt.get(endpoint.id) ?? now) : Number.NEGATIVE_INFINITY,
          );
        else host.endpoint = endpoint as Endpoint;
      }
      for (const id of [...this.hosts.keys()]) if (!present.has(id)) this.hosts.delete(id);
      this.joinedAt.clear();
    }
    this.hostList = this.set.endpoints.map((e) => this.hosts.get(e.id)!);
    this.computeWeights();
    this.eligible = this.hostList.filter((h) => !h.ejected);
    if (this.eligible.length > 0) this.strategy.update(this.eligible);
  }

  private computeWeights(): void {
    const slowStart = this.slowStart;
    let until = Number.NEGATIVE_INFINITY;
    const now = slowStart && this.usesWeights ? this.clock.now() : 0;
    for (const host of this.hostList) {
      host.warmth = 1;
      if (slowStart && this.usesWeights && host.addedAt !== Number.NEGATIVE_INFINITY) {
        const end = host.addedAt + slowStart.windowMs;
        if (now < end) {
          host.warmth = slowStartFactor(now - host.addedAt, slowStart);
          until = Math.max(until, end);
        }
      }
      host.weight = host.endpoint.weight * host.warmth;
    }
    this.rampingUntil = until;
  }

  /** While some host is ramping, weights change with time: refresh them before each pick. */
  private ramp(): void {
    this.computeWeights();
    this.strategy.update(this.eligible);
  }

  private eject(host: Host, reason: EjectionReason, durationMs: number): void {
    const since = this.clock.now();
    host.health = { kind: 'ejected', since, until: since + durationMs, reason };
    this.stale = true;
    this.eventsEmitter.emit({
      kind: 'ejected',
      endpoint: host.endpoint as Endpoint<M>,
      reason,
      durationMs,
      ejections: host.ejections,
    });
  }

  private restore(host: Host): void {
    host.health = Host.active;
    host.consecutiveFailures = 0;
    this.stale = true;
    this.eventsEmitter.emit({ kind: 'returned', endpoint: host.endpoint as Endpoint<M> });
  }
}

/**
 * Shorthand for `new LoadBalancer(endpoints, algorithm, options)`.
 * @example
 * ```ts
 * import { EndpointSet, leastOutstanding, loadBalancer } from '@keel/core/load-balancing';
 * const balancer = loadBalancer(new EndpointSet([{ id: 'a' }, { id: 'b' }]), leastOutstanding());
 * console.log(balancer.pick().id);
 * ```
 * @category Load balancing
 */
export function loadBalancer<M>(
  endpoints: EndpointSet<M>,
  algorithm: BalancingAlgorithm,
  options?: LoadBalancerOptions,
): LoadBalancer<M> {
  return new LoadBalancer(endpoints, algorithm, options);
}
