import { check, checkKnownKeys } from '../../../options/index.js';
import type { CallOutcome, Host } from '../host.js';
import type { BalancingAlgorithm } from './algorithm.js';

/**
 * Options of {@link peakEwma}.
 * @category Load balancing
 */
export interface PeakEwmaOptions {
  /**
   * Time constant of the moving average, in ms: a sample's influence falls to 1/e after this
   * long. Also how fast an idle host's estimate decays so it gets probed again.
   * @default 10000 (Finagle's and Linkerd's 10 s)
   */
  readonly decayMs?: number;
  /**
   * How much of a latency rise is taken at once, in (0, 1]. 1 is the classic peak EWMA: a sample
   * above the estimate replaces it, so a host that turns slow is avoided immediately; smaller
   * values make the estimate less jumpy.
   * @default 1
   */
  readonly peakSensitivity?: number;
  /**
   * Hosts sampled per pick (power of d choices).
   * @default 2
   */
  readonly choices?: number;
  /**
   * Cost of a host that has never answered but already has calls outstanding, in ms × calls.
   * A host with no sample and nothing outstanding costs 0, so new hosts get probed.
   * @default 1e9
   */
  readonly unmeasuredPenalty?: number;
}

/**
 * Defaults of {@link PeakEwmaOptions}.
 * @example
 * ```ts
 * import { DEFAULT_PEAK_EWMA_OPTIONS } from '@keel/core/load-balancing';
 * console.log(DEFAULT_PEAK_EWMA_OPTIONS.decayMs); // 10000
 * ```
 * @category Load balancing
 */
export const DEFAULT_PEAK_EWMA_OPTIONS = {
  decayMs: 10_000,
  peakSensitivity: 1,
  choices: 2,
  unmeasuredPenalty: 1e9,
} as const satisfies Required<PeakEwmaOptions>;

/**
 * Peak-EWMA with the power of two choices (Finagle, Linkerd): each host's cost is its latency
 * estimate × (outstanding + 1) / weight; sample two hosts and take the cheaper. The estimate is
 * a time-decayed moving average that jumps up to any slower sample (peak sensitivity) and decays
 * back down, also while the host is idle. Slow or degrading hosts shed load within one call,
 * which keeps the latency tail far below round robin's when backends differ.
 *
 * Feed it with `report(endpoint, { latencyMs, ok })` after every call.
 * @example
 * ```ts
 * import { EndpointSet, loadBalancer, peakEwma } from '@keel/core/load-balancing';
 * const balancer = loadBalancer(new EndpointSet([{ id: 'a' }, { id: 'b' }]), peakEwma({ decayMs: 5_000 }));
 * const endpoint = balancer.pick();
 * balancer.report(endpoint, { latencyMs: 12, ok: true });
 * ```
 * @category Load balancing
 */
export function peakEwma(options: PeakEwmaOptions = {}): BalancingAlgorithm {
  checkKnownKeys('options', options, Object.keys(DEFAULT_PEAK_EWMA_OPTIONS));
  const decayMs = check.number('decayMs', options.decayMs, DEFAULT_PEAK_EWMA_OPTIONS.decayMs, { above: 0 });
  const sensitivity = check.number(
    'peakSensitivity',
    options.peakSensitivity,
    DEFAULT_PEAK_EWMA_OPTIONS.peakSensitivity,
    { above: 0, max: 1 },
  );
  const choices = check.integer('choices', options.choices, DEFAULT_PEAK_EWMA_OPTIONS.choices, { min: 1 });
  const penalty = check.number(
    'unmeasuredPenalty',
    options.unmeasuredPenalty,
    DEFAULT_PEAK_EWMA_OPTIONS.unmeasuredPenalty,
    { min: 0 },
  );
  return {
    name: 'peak-ewma',
    usesWeights: true,
    create: ({ clock, random }) => {
      let hosts: readonly Host[] = [];
      const cost = (host: Host, now: number): number => {
        if (host.latencyEstimate < 0) return host.outstanding === 0 ? 0 : penalty;
        const elapsed = now - host.lastSampleAt;
        const estimate =
          elapsed > 0 ? host.latencyEstimate * Math.exp(-elapsed / decayMs) : host.latencyEstimate;
        return (estimate * (host.outstanding + 1)) / host.weight;
      };
      return {
        update: (eligible) => {
          hosts = eligible;
        },
        pick: () => {
          const n = hosts.length;
          if (n === 1) return hosts[0]!;
          const now = clock.now();
          let best: Host;
          let bestCost: number;
          if (choices >= n) {
            best = hosts[0]!;
            bestCost = cost(best, now);
            for (let i = 1; i < n; i++) {
              const c = cost(hosts[i]!, now);
              if (c < bestCost) {
                bestCost = c;
                best = hosts[i]!;
              }
            }
            return best;
          }
          const i = Math.floor(random.next() * n);
          best = hosts[i]!;
          bestCost = cost(best, now);
          const seen = choices > 2 ? [i] : undefined;
          for (let k = 1; k < choices; k++) {
            let j: number;
            if (seen) {
              do j = Math.floor(random.next() * n);
              while (seen.includes(j));
              seen.push(j);
            } else {
              j = Math.floor(random.next() * (n - 1));
              if (j >= i) j++;
            }
            const c = cost(hosts[j]!, now);
            if (c < bestCost) {
              bestCost = c;
              best = hosts[j]!;
            }
          }
          return best;
        },
        report: (host: Host, outcome: CallOutcome, now: number) => {
          const rtt = outcome.latencyMs;
          if (host.latencyEstimate < 0) {
            host.latencyEstimate = rtt;
          } else {
            const elapsed = Math.max(0, now - host.lastSampleAt);
            const decayed = host.latencyEstimate * Math.exp(-elapsed / decayMs);
            if (rtt > decayed) {
              host.latencyEstimate = decayed + sensitivity * (rtt - decayed);
            } else {
              // The weight of the old estimate shrinks with the time since the last sample.
              const keep = Math.exp(-elapsed / decayMs);
              host.latencyEstimate = host.latencyEstimate * keep + rtt * (1 - keep);
            }
          }
          host.lastSampleAt = now;
        },
      };
    },
  };
}
