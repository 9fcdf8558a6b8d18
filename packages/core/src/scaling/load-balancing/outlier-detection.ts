import { check, checkKnownKeys } from '../../options/index.js';
import type { CallOutcome, EjectionReason, Host } from './host.js';

/**
 * Options of outlier detection, named and defaulted after Envoy's `outlier_detection`. Durations
 * are in ms and percentages in 0..100.
 * @category Load balancing
 */
export interface OutlierDetectionOptions {
  /** Consecutive server errors (5xx or no status) that eject an endpoint at once. @default 5 */
  readonly consecutive5xx?: number;
  /** Chance, in percent, that a consecutive-error ejection is enforced. @default 100 */
  readonly enforcingConsecutive5xx?: number;
  /** Time between analysis sweeps (error-rate checks and returns to service). @default 10000 */
  readonly intervalMs?: number;
  /** Ejection time, multiplied by the number of times the endpoint has been ejected. @default 30000 */
  readonly baseEjectionTimeMs?: number;
  /** Cap on one ejection's duration. @default 300000 */
  readonly maxEjectionTimeMs?: number;
  /** Most endpoints ejected at once, in percent of the set. @default 10 */
  readonly maxEjectionPercent?: number;
  /** Allow one ejection even when the percentage would forbid it (small sets). @default true */
  readonly alwaysEjectOneHost?: boolean;
  /** Chance, in percent, that a success-rate ejection is enforced. @default 100 */
  readonly enforcingSuccessRate?: number;
  /** Endpoints with enough volume needed before success-rate analysis runs. @default 5 */
  readonly successRateMinimumHosts?: number;
  /** Calls an endpoint needs in an interval to take part in success-rate analysis. @default 100 */
  readonly successRateRequestVolume?: number;
  /** Ejects below `mean - stdevFactor / 1000 × stdev` of the success rates. @default 1900 */
  readonly successRateStdevFactor?: number;
  /** Failure percentage at or above which an endpoint is ejected. @default 85 */
  readonly failurePercentageThreshold?: number;
  /** Chance, in percent, that a failure-percentage ejection is enforced (0 turns it off). @default 0 */
  readonly enforcingFailurePercentage?: number;
  /** Endpoints with enough volume needed before failure-percentage analysis runs. @default 5 */
  readonly failurePercentageMinimumHosts?: number;
  /** Calls an endpoint needs in an interval to take part in failure-percentage analysis. @default 50 */
  readonly failurePercentageRequestVolume?: number;
}

/**
 * Envoy's outlier-detection defaults.
 * @example
 * ```ts
 * import { DEFAULT_OUTLIER_DETECTION_OPTIONS } from '@keel/core/load-balancing';
 * console.log(DEFAULT_OUTLIER_DETECTION_OPTIONS.baseEjectionTimeMs); // 30000
 * ```
 * @category Load balancing
 */
export const DEFAULT_OUTLIER_DETECTION_OPTIONS = {
  consecutive5xx: 5,
  enforcingConsecutive5xx: 100,
  intervalMs: 10_000,
  baseEjectionTimeMs: 30_000,
  maxEjectionTimeMs: 300_000,
  maxEjectionPercent: 10,
  alwaysEjectOneHost: true,
  enforcingSuccessRate: 100,
  successRateMinimumHosts: 5,
  successRateRequestVolume: 100,
  successRateStdevFactor: 1900,
  failurePercentageThreshold: 85,
  enforcingFailurePercentage: 0,
  failurePercentageMinimumHosts: 5,
  failurePercentageRequestVolume: 50,
} as const satisfies Required<OutlierDetectionOptions>;

/** @internal Validated outlier-detection settings. */
export type OutlierDetection = {
  -readonly [K in keyof typeof DEFAULT_OUTLIER_DETECTION_OPTIONS]: (typeof DEFAULT_OUTLIER_DETECTION_OPTIONS)[K] extends boolean
    ? boolean
    : number;
};

/** @internal Validates outlier-detection options under `field`. */
export function parseOutlierDetection(field: string, options: OutlierDetectionOptions): OutlierDetection {
  check.object(field, options);
  const d = DEFAULT_OUTLIER_DETECTION_OPTIONS;
  checkKnownKeys(field, options, Object.keys(d));
  const percent = (name: keyof OutlierDetectionOptions & keyof typeof d) =>
    check.number(`${field}.${name}`, options[name], d[name] as number, { min: 0, max: 100 });
  const count = (name: keyof OutlierDetectionOptions & keyof typeof d, min = 1) =>
    check.integer(`${field}.${name}`, options[name], d[name] as number, { min });
  return {
    consecutive5xx: count('consecutive5xx'),
    enforcingConsecutive5xx: percent('enforcingConsecutive5xx'),
    intervalMs: check.duration(`${field}.intervalMs`, options.intervalMs, d.intervalMs, { above: 0 }),
    baseEjectionTimeMs: check.duration(
      `${field}.baseEjectionTimeMs`,
      options.baseEjectionTimeMs,
      d.baseEjectionTimeMs,
    ),
    maxEjectionTimeMs: check.duration(
      `${field}.maxEjectionTimeMs`,
      options.maxEjectionTimeMs,
      d.maxEjectionTimeMs,
    ),
    maxEjectionPercent: percent('maxEjectionPercent'),
    alwaysEjectOneHost: check.boolean(
      `${field}.alwaysEjectOneHost`,
      options.alwaysEjectOneHost,
      d.alwaysEjectOneHost,
    ),
    enforcingSuccessRate: percent('enforcingSuccessRate'),
    successRateMinimumHosts: count('successRateMinimumHosts'),
    successRateRequestVolume: count('successRateRequestVolume'),
    successRateStdevFactor: check.number(
      `${field}.successRateStdevFactor`,
      options.successRateStdevFactor,
      d.successRateStdevFactor,
      { min: 0 },
    ),
    failurePercentageThreshold: percent('failurePercentageThreshold'),
    enforcingFailurePercentage: percent('enforcingFailurePercentage'),
    failurePercentageMinimumHosts: count('failurePercentageMinimumHosts'),
    failurePercentageRequestVolume: count('failurePercentageRequestVolume'),
  };
}

/**
 * Whether an outcome counts against the endpoint: a failure that is not a client error.
 * @example
 * ```ts
 * import { isServerFailure } from '@keel/core/load-balancing';
 * console.log(isServerFailure({ ok: false, status: 503 }), isServerFailure({ ok: false, status: 404 })); // true false
 * ```
 * @category Load balancing
 */
export function isServerFailure(outcome: { readonly ok: boolean; readonly status?: number }): boolean {
  return !outcome.ok && (outcome.status === undefined || outcome.status >= 500);
}

/**
 * @internal Decides ejections from reported outcomes; the balancer owns it and applies its verdicts.
 * Consecutive-error ejections happen as the outcome arrives; success-rate and failure-percentage
 * analysis and returns to service happen at each interval sweep, as in Envoy.
 */
export class OutlierDetector {
  constructor(
    private readonly settings: OutlierDetection,
    private readonly chance: () => number,
    private readonly hosts: () => readonly Host[],
    private readonly eject: (host: Host, reason: EjectionReason, durationMs: number) => void,
    private readonly restore: (host: Host) => void,
  ) {}

  /** Counts one outcome; may eject the host for consecutive errors. */
  record(host: Host, outcome: CallOutcome): void {
    if (isServerFailure(outcome)) {
      host.intervalFailures++;
      host.consecutiveFailures++;
      if (host.consecutiveFailures >= this.settings.consecutive5xx && !host.ejected) {
        host.consecutiveFailures = 0;
        if (this.enforced(this.settings.enforcingConsecutive5xx)) this.tryEject(host, 'consecutive-5xx');
      }
    } else {
      host.intervalSuccesses++;
      host.consecutiveFailures = 0;
    }
  }

  /** The interval sweep: returns hosts whose time is up, then analyses error rates. */
  sweep(now: number): void {
    const hosts = this.hosts();
    for (const host of hosts) {
      if (host.health.kind === 'ejected') {
        if (now >= host.health.until) this.restore(host);
      } else if (host.ejections > 0) {
        // A healthy interval shortens the next ejection (Envoy decrements the multiplier).
        host.ejections--;
      }
    }
    this.successRate(hosts);
    this.failurePercentage(hosts);
    for (const host of hosts) {
      host.intervalSuccesses = 0;
      host.intervalFailures = 0;
    }
  }

  private successRate(hosts: readonly Host[]): void {
    const s = this.settings;
    if (s.enforcingSuccessRate === 0) return;
    const rated = hosts.filter(
      (h) => !h.ejected && h.intervalSuccesses + h.intervalFailures >= s.successRateRequestVolume,
    );
    if (rated.length < s.successRateMinimumHosts) return;
    const rates = rated.map((h) => (100 * h.intervalSuccesses) / (h.intervalSuccesses + h.intervalFailures));
    const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
    const variance = rates.reduce((a, r) => a + (r - mean) ** 2, 0) / rates.length;
    const threshold = mean - (s.successRateStdevFactor / 1000) * Math.sqrt(variance);
    rated.forEach((host, i) => {
      if (rates[i]! < threshold && this.enforced(s.enforcingSuccessRate)) this.tryEject(host, 'success-rate');
    });
  }

  private failurePercentage(hosts: readonly Host[]): void {
    const s = this.settings;
    if (s.enforcingFailurePercentage === 0) return;
    const rated = hosts.filter(
      (h) => !h.ejected && h.intervalSuccesses + h.intervalFailures >= s.failurePercentageRequestVolume,
    );
    if (rated.length < s.failurePercentageMinimumHosts) return;
    for (const host of rated) {
      const failed = (100 * host.intervalFailures) / (host.intervalSuccesses + host.intervalFailures);
      if (failed >= s.failurePercentageThreshold && this.enforced(s.enforcingFailurePercentage))
        this.tryEject(host, 'failure-percentage');
    }
  }

  /** Whether one more ejection keeps within the cap. */
  mayEject(): boolean {
    const hosts = this.hosts();
    let ejected = 0;
    for (const host of hosts) if (host.ejected) ejected++;
    if (ejected === 0 && this.settings.alwaysEjectOneHost && hosts.length > 0) return true;
    return (100 * (ejected + 1)) / hosts.length <= this.settings.maxEjectionPercent;
  }

  private tryEject(host: Host, reason: EjectionReason): void {
    if (host.ejected || !this.mayEject()) return;
    host.ejections++;
    const duration = Math.min(
      this.settings.baseEjectionTimeMs * host.ejections,
      this.settings.maxEjectionTimeMs,
    );
    this.eject(host, reason, duration);
  }

  private enforced(percent: number): boolean {
    return percent >= 100 || this.chance() * 100 < percent;
  }
}
