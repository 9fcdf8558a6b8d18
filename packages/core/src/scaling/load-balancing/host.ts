import type { Endpoint } from './endpoint-set.js';

/**
 * The outcome of one call to an endpoint, reported back to the balancer.
 * @category Load balancing
 */
export interface CallOutcome {
  /** How long the call took, in milliseconds. */
  readonly latencyMs: number;
  /** Whether the call succeeded. */
  readonly ok: boolean;
  /**
   * Protocol status, such as an HTTP status code. A failure with a status below 500 (a client
   * error) is not held against the endpoint by outlier detection; a failure without a status
   * (connection refused, timeout) is.
   */
  readonly status?: number;
}

/**
 * Health of one endpoint as outlier detection sees it.
 * @category Load balancing
 */
export type HostHealth =
  | { readonly kind: 'active' }
  | {
      readonly kind: 'ejected';
      /** When it was ejected, on the balancer's clock. */
      readonly since: number;
      /** When it returns to service at the earliest. */
      readonly until: number;
      readonly reason: EjectionReason;
    };

/**
 * Why outlier detection ejected an endpoint.
 * @category Load balancing
 */
export type EjectionReason = 'consecutive-5xx' | 'success-rate' | 'failure-percentage';

const ACTIVE: HostHealth = Object.freeze({ kind: 'active' });

/**
 * The balancer's live view of one endpoint: what algorithms read to choose (outstanding calls,
 * effective weight, latency estimate) and what outlier detection keeps. Custom algorithms read
 * it; only the balancer and the built-in algorithms write it.
 * @example
 * ```ts
 * import { Host } from '@keel/core/load-balancing';
 * import { EndpointSet, loadBalancer, roundRobin } from '@keel/core/load-balancing';
 * const balancer = loadBalancer(new EndpointSet([{ id: 'a' }]), roundRobin());
 * // Custom algorithms receive Host objects; stats() shows the same figures.
 * console.log(balancer.stats()[0]?.outstanding, Host.name);
 * ```
 * @category Load balancing
 */
export class Host<M = unknown> {
  /** Calls picked and not yet reported or released. */
  outstanding = 0;
  /** The endpoint's weight times its slow-start factor. */
  weight: number;
  /** Slow-start factor in (0, 1]; 1 once the endpoint is warm. */
  warmth = 1;
  health: HostHealth = ACTIVE;
  /** How many times it has been ejected, minus one per healthy interval (the backoff multiplier). */
  ejections = 0;
  consecutiveFailures = 0;
  intervalSuccesses = 0;
  intervalFailures = 0;
  /** Peak-EWMA latency estimate in ms; negative until the first sample. */
  latencyEstimate = -1;
  /** When the last latency sample arrived. */
  lastSampleAt = 0;
  /** Scratch value for smooth weighted round robin. */
  current = 0;

  constructor(
    public endpoint: Endpoint<M>,
    /** When the endpoint joined, on the balancer's clock (-Infinity for the initial members). */
    readonly addedAt: number,
  ) {
    this.weight = endpoint.weight;
  }

  get ejected(): boolean {
    return this.health.kind === 'ejected';
  }

  /** @internal */
  static readonly active = ACTIVE;
}
