import {
  type BalancingAlgorithm,
  EndpointSet,
  leastOutstanding,
  loadBalancer,
  maglevHash,
  peakEwma,
  ringHash,
  roundRobin,
  smoothWeightedRoundRobin,
  weightedRandom,
} from '@keel/core/load-balancing';
import { timeout } from '@keel/core/timeout';
import {
  constant,
  constantRate,
  defineScenario,
  isServiceError,
  lognormal,
  type MetricsSnapshot,
  measures,
  openLoop,
  row,
  runVariants,
  type ScheduledFault,
  type SummaryRow,
  type VariantSetup,
  type World,
} from '@keel/sim';

/** Median service time of a healthy, fast backend. */
const FAST_MS = 10;
/** Workers per backend. */
const WORKERS = 4;
/** Distinct request keys (user ids) the hash algorithms route by. */
const KEYS = 10_000;

/** One run of the scenario: the algorithm, and whether outlier detection ejects failing backends. */
interface Contender {
  readonly label: string;
  readonly algorithm: () => BalancingAlgorithm;
  readonly ejection: boolean;
}

/**
 * The variants, by name: `baseline` is round robin and `pattern` is peak EWMA with the power of
 * two choices; every other built-in algorithm runs too, and peak EWMA once more with Envoy-style
 * outlier ejection.
 */
export const LOAD_BALANCING_VARIANTS = {
  baseline: { label: 'round robin', algorithm: roundRobin, ejection: false },
  pattern: { label: 'peak EWMA (P2C)', algorithm: peakEwma, ejection: false },
  'smooth-weighted-round-robin': {
    label: 'smooth weighted round robin',
    algorithm: smoothWeightedRoundRobin,
    ejection: false,
  },
  'weighted-random': { label: 'weighted random', algorithm: weightedRandom, ejection: false },
  'least-outstanding': { label: 'least outstanding (P2C)', algorithm: leastOutstanding, ejection: false },
  'ring-hash': { label: 'ring hash', algorithm: ringHash, ejection: false },
  maglev: { label: 'Maglev', algorithm: maglevHash, ejection: false },
  'peak-ewma-ejection': {
    label: 'peak EWMA (P2C) with outlier ejection',
    algorithm: peakEwma,
    ejection: true,
  },
} as const satisfies Readonly<Record<string, Contender>>;

/** The roles of the backends: most are fast, a few are slower machines, one degrades, one fails. */
export function backendRoles(count: number): ('fast' | 'slow' | 'degrading' | 'failing')[] {
  return Array.from({ length: count }, (_, i) => {
    if (i === count - 1) return 'failing';
    if (i === count - 2) return 'degrading';
    // About one backend in five (at least one) is an older, slower machine.
    if (i >= count - 2 - Math.max(1, Math.round(count / 5))) return 'slow';
    return 'fast';
  });
}

/**
 * Ten backends behind a client-side balancer under open-loop load: most answer in about 10 ms,
 * two are slower machines (three times slower, given a third of the weight), one degrades
 * (its service time doubles every ten seconds) and one starts failing fast half-way through.
 * Every algorithm of `@keel/core/load-balancing` serves the same arrivals, keys and faults.
 *
 * @example
 * ```ts
 * import { resolveKnobs } from '@keel/sim';
 * import { loadBalancingScenario } from './scenario.js';
 * const result = await loadBalancingScenario.run(1, resolveKnobs(loadBalancingScenario.knobs, {}), {
 *   durationMs: 60_000,
 * });
 * console.log(result.summary.rows[0]);
 * ```
 */
export const loadBalancingScenario = defineScenario({
  id: 'load-balancing',
  name: 'Load balancing over unequal, degrading and failing backends',
  description:
    'Ten backends serve an open-loop load through a client-side balancer, with a one-second timeout ' +
    'per call. Most answer in about 10 ms; two are older machines three times slower (and weighted ' +
    'a third as much); one degrades, its service time doubling every ten seconds; one starts ' +
    'answering every call with a fast error half-way through. The baseline is round robin, which ' +
    'keeps giving every backend the same share, so the degrading one queues up and its calls time ' +
    'out. The pattern is peak EWMA with the power of two choices: it scores each backend by its ' +
    'recent latency times its calls in flight and steers away from slow ones within a few calls. ' +
    'Every other algorithm runs on the same arrivals too (smooth weighted round robin, weighted ' +
    'random, least outstanding, ring hash, Maglev), and peak EWMA once more with outlier ejection, ' +
    'because a backend that fails fast looks fast to a latency-aware balancer.',
  knobs: {
    rps: { type: 'number', label: 'Load', default: 600, min: 10, max: 3_000, step: 10, unit: 'req/s' },
    backends: { type: 'number', label: 'Backends', default: 10, min: 4, max: 40, step: 1 },
    slowFactor: {
      type: 'number',
      label: 'Slow machines',
      description: 'How many times slower the older machines are.',
      default: 3,
      min: 1,
      max: 10,
      step: 0.5,
      unit: '×',
    },
    degradeEveryMs: {
      type: 'number',
      label: 'Degradation step',
      description: 'The degrading backend doubles its service time this often, from the first step on.',
      default: 10_000,
      min: 1_000,
      max: 600_000,
      step: 1_000,
      unit: 'ms',
    },
    failAtMs: {
      type: 'number',
      label: 'Failure start',
      description: 'When one backend starts failing every call; 0 keeps it healthy.',
      default: 30_000,
      min: 0,
      max: 600_000,
      step: 1_000,
      unit: 'ms',
    },
    timeoutMs: {
      type: 'number',
      label: 'Call timeout',
      default: 1_000,
      min: 50,
      max: 30_000,
      step: 50,
      unit: 'ms',
    },
  },
  defaultDurationMs: 60_000,
  run: (seed, knobs, options) => {
    const roles = backendRoles(knobs.backends);
    const names = roles.map((_, i) => `b${i}`);
    const build = (world: World, contender: Contender): void => {
      const faults: ScheduledFault[] = [];
      roles.forEach((role, i) => {
        const name = names[i]!;
        const median = role === 'slow' ? FAST_MS * knobs.slowFactor : FAST_MS;
        world.service(name, { concurrency: WORKERS, serviceTime: lognormal(median, 0.3) });
        if (role === 'degrading')
          // Overlapping brown-outs compound: x2, x4, x8, ... one more every step.
          for (let at = knobs.degradeEveryMs; at < options.durationMs; at += knobs.degradeEveryMs)
            faults.push({
              at,
              duration: Number.POSITIVE_INFINITY,
              fault: { kind: 'brownout', service: name, slowdown: 2, errorRate: 0 },
            });
        if (role === 'failing' && knobs.failAtMs > 0)
          faults.push({
            at: knobs.failAtMs,
            duration: Number.POSITIVE_INFINITY,
            fault: { kind: 'errors', service: name, rate: 1 },
          });
      });
      world.node('client');
      world.faults(faults);
      const keys = world.random();
      const perCall = timeout(knobs.timeoutMs, { clock: world.clock });
      const toDegrading = world.metrics.counter('to.degrading');
      const toFailing = world.metrics.counter('to.failing');
      const degradingIndex = roles.indexOf('degrading');
      const failingIndex = roles.indexOf('failing');
      // Created last: the balancer's generator is the only draw that differs between variants.
      const endpoints = new EndpointSet(
        roles.map((role, i) => ({ id: names[i]!, weight: role === 'slow' ? 1 : 3, metadata: i })),
      );
      const balancer = loadBalancer(endpoints, contender.algorithm(), {
        clock: world.clock,
        random: world.random(),
        outlierDetection: contender.ejection,
      });
      const ejected = world.metrics.counter('ejections');
      balancer.events((event) => {
        if (event.kind === 'ejected') ejected.inc();
        world.trace?.emit('lb', { kind: event.kind, endpoint: event.endpoint.id });
      });
      world.sample('ejected', () => balancer.stats().filter((s) => s.ejected).length);
      const send = async (key: string): Promise<unknown> => {
        const endpoint = balancer.pick(key);
        if (endpoint.metadata === degradingIndex) toDegrading.inc();
        else if (endpoint.metadata === failingIndex) toFailing.inc();
        const start = world.clock.now();
        try {
          const answer = await perCall.execute(({ signal }) =>
            world.call('client', endpoint.id, 'work', { signal }),
          );
          balancer.report(endpoint, { latencyMs: world.clock.now() - start, ok: true, status: 200 });
          return answer;
        } catch (error) {
          // An error answer is a 503; a timeout has no status. Both count against the backend.
          balancer.report(endpoint, {
            latencyMs: world.clock.now() - start,
            ok: false,
            ...(isServiceError(error) ? { status: 503 } : {}),
          });
          throw error;
        }
      };
      const arrivals = world.metrics.counter('arrivals');
      openLoop(world.sim, constantRate(knobs.rps), () => {
        arrivals.inc();
        const key = `user-${Math.floor(keys.next() * KEYS)}`;
        world.track('req', () => send(key));
      });
    };
    const variants: Record<string, VariantSetup> = {};
    for (const [name, contender] of Object.entries(LOAD_BALANCING_VARIANTS))
      variants[name] = (world) => build(world, contender);
    return runVariants(seed, options, variants, summarize, { defaultLink: { latency: constant(1) } });
  },
});

const errorRate = (m: MetricsSnapshot): number => 100 - measures.successRate('req')(m);

const shareTo =
  (counter: string) =>
  (m: MetricsSnapshot): number => {
    const arrivals = m.counters['arrivals'] ?? 0;
    return arrivals === 0 ? Number.NaN : (100 * (m.counters[counter] ?? 0)) / arrivals;
  };

function summarize(metrics: Readonly<Record<string, MetricsSnapshot>>): SummaryRow[] {
  const p99 = measures.latency('req', 'p99');
  const rows: SummaryRow[] = [
    row('p99 latency', 'ms', 'lower', metrics, p99),
    row('p50 latency', 'ms', 'lower', metrics, measures.latency('req', 'p50')),
    row('Failed requests', '%', 'lower', metrics, errorRate),
    row('Requests sent to the degrading backend', '%', 'lower', metrics, shareTo('to.degrading')),
    row('Requests sent to the failing backend', '%', 'lower', metrics, shareTo('to.failing')),
  ];
  // Every other algorithm against round robin: round robin in the baseline column.
  for (const [name, contender] of Object.entries(LOAD_BALANCING_VARIANTS)) {
    if (name === 'baseline' || name === 'pattern') continue;
    const label = contender.label;
    rows.push(
      row(`p99 latency, ${label} in the pattern column`, 'ms', 'lower', metrics, p99, name),
      row(`Failed requests, ${label} in the pattern column`, '%', 'lower', metrics, errorRate, name),
    );
  }
  return rows;
}
