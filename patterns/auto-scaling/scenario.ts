import {
  type Actuator,
  autoscaler,
  HpaCalculator,
  type ReplicaSample,
  type ReplicaStatus,
  UtilizationMeter,
  utilizationMetric,
} from '@keel/core/auto-scaling';
import type { TimerHandle } from '@keel/core/clock';
import {
  constant,
  defineScenario,
  lognormal,
  type MetricsSnapshot,
  measures,
  openLoop,
  type RateSchedule,
  row,
  runVariants,
  type SummaryRow,
  type World,
} from '@keel/sim';

/** Points (time in ms, share of the peak rate) of the load: quiet, ramp, plateau, spike, fall. */
const LOAD_SHAPE: readonly (readonly [number, number])[] = [
  [0, 0.15],
  [60_000, 0.15],
  [150_000, 0.55],
  [180_000, 0.55],
  [180_000, 1],
  [210_000, 1],
  [210_000, 0.55],
  [240_000, 0.55],
  [300_000, 0.15],
];

/** The load curve scaled to `peak` requests per second, linear between the points. */
export function loadCurve(peak: number): RateSchedule {
  return {
    rateAt(t) {
      let previous = LOAD_SHAPE[0]!;
      for (const point of LOAD_SHAPE) {
        if (point[0] > t) {
          const span = point[0] - previous[0];
          const share =
            span === 0 ? point[1] : previous[1] + ((point[1] - previous[1]) * (t - previous[0])) / span;
          return peak * share;
        }
        previous = point;
      }
      return peak * previous[1];
    },
    maxRate: peak,
    description: `quiet ${0.15 * peak}/s, ramp to ${0.55 * peak}/s, spike to ${peak}/s, fall back`,
  };
}

type ReplicaState = 'off' | 'starting' | 'ready' | 'draining';

interface SimReplica {
  readonly name: string;
  state: ReplicaState;
  /** Requests sent and not yet answered. */
  outstanding: number;
  /** Workers busy, as far as the router can tell: min(outstanding, concurrency). */
  busy: number;
  readonly meter: UtilizationMeter;
  startTimer: TimerHandle | undefined;
}

/**
 * A fleet of identical simulated servers behind a least-outstanding router, resizable like a
 * deployment: new replicas take `startupMs` to become ready; surplus ones stop receiving
 * requests and are switched off once they have answered what they hold. It keeps the cost
 * (replica-seconds of every replica that is on) as it goes.
 */
class SimFleet implements Actuator {
  private readonly replicas: SimReplica[] = [];
  private target: number;
  private costMs = 0;
  private costSince = 0;
  private on = 0;

  constructor(
    private readonly world: World,
    size: number,
    private readonly concurrency: number,
    private readonly startupMs: number,
    initial: number,
  ) {
    for (let i = 0; i < size; i++) {
      const name = `api-${i}`;
      world.service(name, { concurrency, serviceTime: lognormal(150, 0.3) });
      this.replicas.push({
        name,
        state: i < initial ? 'ready' : 'off',
        outstanding: 0,
        busy: 0,
        meter: new UtilizationMeter({ capacity: concurrency, clock: world.clock }),
        startTimer: undefined,
      });
    }
    this.target = initial;
    this.on = initial;
    world.node('client');
  }

  /** Replica-seconds so far. */
  cost(): number {
    return (this.costMs + this.on * (this.world.clock.now() - this.costSince)) / 1000;
  }

  count(state: ReplicaState): number {
    return this.replicas.filter((r) => r.state === state).length;
  }

  status(): ReplicaStatus {
    const ready = this.count('ready');
    return { replicas: this.target, running: ready + this.count('starting'), ready };
  }

  utilization(): ReplicaSample[] {
    const samples: ReplicaSample[] = [];
    for (const r of this.replicas)
      if (r.state === 'ready' || r.state === 'starting')
        samples.push({ value: r.meter.read(), ready: r.state === 'ready' });
    return samples;
  }

  setReplicas(n: number): void {
    this.target = n;
    const live = () => this.replicas.filter((r) => r.state === 'ready' || r.state === 'starting');
    for (const r of this.replicas) if (live().length < n && r.state === 'draining') this.move(r, 'ready');
    for (const r of this.replicas) {
      if (live().length >= n) break;
      if (r.state !== 'off') continue;
      this.move(r, 'starting');
      r.startTimer = this.world.clock.setTimeout(() => {
        r.startTimer = undefined;
        this.move(r, 'ready');
      }, this.startupMs);
    }
    // Shrink from the highest index: starting replicas are dropped, ready ones drain.
    for (let i = this.replicas.length - 1; i >= 0 && live().length > n; i--) {
      const r = this.replicas[i]!;
      if (r.state === 'starting') {
        r.startTimer?.clear();
        this.move(r, 'off');
      } else if (r.state === 'ready') this.move(r, r.outstanding === 0 ? 'off' : 'draining');
    }
  }

  /** Sends one request to the ready replica with the fewest outstanding. */
  async route(): Promise<unknown> {
    let best: SimReplica | undefined;
    for (const r of this.replicas)
      if (r.state === 'ready' && (!best || r.outstanding < best.outstanding)) best = r;
    if (!best) throw new Error('no ready replica');
    const replica = best;
    this.track(replica, 1);
    try {
      return await this.world.call('client', replica.name, 'work');
    } finally {
      this.track(replica, -1);
      if (replica.state === 'draining' && replica.outstanding === 0) this.move(replica, 'off');
    }
  }

  private track(replica: SimReplica, delta: number): void {
    replica.outstanding += delta;
    const busy = Math.min(replica.outstanding, this.concurrency);
    while (replica.busy < busy) {
      replica.meter.begin();
      replica.busy++;
    }
    while (replica.busy > busy) {
      replica.meter.end();
      replica.busy--;
    }
  }

  private move(replica: SimReplica, to: ReplicaState): void {
    const now = this.world.clock.now();
    this.costMs += this.on * (now - this.costSince);
    this.costSince = now;
    if (replica.state === 'off') this.on++;
    if (to === 'off') this.on--;
    if (to === 'starting' || (replica.state === 'off' && to === 'ready')) replica.meter.read();
    replica.state = to;
    this.world.trace?.emit('replica', { name: replica.name, state: to });
  }
}

const pct = (part: number, whole: number): number => (whole === 0 ? Number.NaN : (100 * part) / whole);

/**
 * A load curve that ramps up, spikes and falls back, served by a fleet of identical servers.
 * The baseline runs a fixed number of replicas sized for the quiet hours; the pattern lets an
 * HPA-style autoscaler (the Kubernetes algorithm, on utilization) resize the fleet; a third
 * run keeps the fleet at its maximum all the time (peak provisioning) for the cost comparison.
 *
 * @example
 * ```ts
 * import { resolveKnobs } from '@keel/sim';
 * import { autoScalingScenario } from './scenario.js';
 * const knobs = resolveKnobs(autoScalingScenario.knobs, {});
 * const result = await autoScalingScenario.run(1, knobs, { durationMs: 360_000 });
 * console.log(result.summary.rows[0]);
 * ```
 */
export const autoScalingScenario = defineScenario({
  id: 'auto-scaling',
  name: 'Auto-scaling through a ramp, a spike and a fall',
  description:
    'Load starts quiet, ramps up over a minute and a half, doubles in a thirty-second spike, then ' +
    'falls back. Each server handles two requests at a time (about 150 ms each). The baseline keeps ' +
    'the replicas it needs for the quiet hours, so it queues and misses its latency objective when ' +
    'the load rises. The pattern runs the Kubernetes autoscaling algorithm every sync period on the ' +
    'servers\u2019 utilization: it adds replicas as the load climbs (they take a few seconds to start), ' +
    'and removes them once the lower recommendation has held for the stabilization window. A third ' +
    'run keeps the maximum fleet all the time: it meets the objective too, at a much higher cost in ' +
    'replica-seconds.',
  knobs: {
    peakRps: { type: 'number', label: 'Peak load', default: 60, min: 5, max: 400, step: 5, unit: 'req/s' },
    fixedReplicas: {
      type: 'number',
      label: 'Fixed replicas (baseline)',
      description: 'The replicas the baseline always runs.',
      default: 2,
      min: 1,
      max: 50,
      step: 1,
    },
    minReplicas: { type: 'number', label: 'Min replicas', default: 2, min: 1, max: 50, step: 1 },
    maxReplicas: {
      type: 'number',
      label: 'Max replicas',
      description: 'The autoscaler never goes above it; the peak-provisioned run always uses it.',
      default: 12,
      min: 1,
      max: 50,
      step: 1,
    },
    targetUtilization: {
      type: 'number',
      label: 'Target utilization',
      default: 60,
      min: 10,
      max: 100,
      step: 5,
      unit: '%',
    },
    syncMs: {
      type: 'number',
      label: 'Sync period',
      default: 15_000,
      min: 1_000,
      max: 60_000,
      step: 1_000,
      unit: 'ms',
    },
    startupMs: {
      type: 'number',
      label: 'Start-up time',
      description: 'How long a new replica takes before it serves.',
      default: 5_000,
      min: 0,
      max: 120_000,
      step: 1_000,
      unit: 'ms',
    },
    scaleDownWindowMs: {
      type: 'number',
      label: 'Scale-down stabilization',
      description: 'Kubernetes defaults to 300 s; shorter here so the fall shows within the run.',
      default: 60_000,
      min: 0,
      max: 600_000,
      step: 15_000,
      unit: 'ms',
    },
    sloMs: {
      type: 'number',
      label: 'Latency objective',
      default: 500,
      min: 50,
      max: 10_000,
      step: 50,
      unit: 'ms',
    },
  },
  defaultDurationMs: 360_000,
  run: (seed, knobs, options) => {
    const size = Math.max(knobs.maxReplicas, knobs.fixedReplicas);
    const build = (world: World, initial: number): SimFleet => {
      const fleet = new SimFleet(world, size, 2, knobs.startupMs, initial);
      const met = world.metrics.counter('slo.met');
      const eligible = world.metrics.counter('slo.eligible');
      // Requests sent in the last `sloMs` of the run may still make it: they are left out.
      const lastEligible = options.durationMs - knobs.sloMs;
      openLoop(world.sim, loadCurve(knobs.peakRps), () => {
        const sentAt = world.clock.now();
        const counted = sentAt <= lastEligible;
        if (counted) eligible.inc();
        world.track('req', async () => {
          await fleet.route();
          if (counted && world.clock.now() - sentAt <= knobs.sloMs) met.inc();
        });
      });
      world.sample('replicas', () => fleet.status().replicas, 1_000);
      world.sample('ready', () => fleet.count('ready'), 1_000);
      const cost = world.metrics.gauge('replica.seconds');
      cost.set(0);
      world.sim.scheduleAt(options.durationMs, () => cost.set(fleet.cost()), undefined);
      return fleet;
    };
    return runVariants(
      seed,
      options,
      {
        baseline: (world) => {
          build(world, knobs.fixedReplicas);
        },
        pattern: (world) => {
          const initial = Math.min(knobs.maxReplicas, knobs.minReplicas);
          const fleet = build(world, initial);
          const loop = autoscaler({
            calculator: new HpaCalculator(knobs.maxReplicas, {
              minReplicas: Math.min(knobs.minReplicas, knobs.maxReplicas),
              clock: world.clock,
              behavior: { scaleDown: { stabilizationWindowMs: knobs.scaleDownWindowMs } },
            }),
            metrics: [utilizationMetric('utilization', () => fleet.utilization(), knobs.targetUtilization)],
            actuator: fleet,
            clock: world.clock,
            intervalMs: knobs.syncMs,
          });
          const decisions = world.metrics.counter('decisions');
          loop.onEvent((event) => {
            if (event.type !== 'decision') return;
            decisions.inc();
            const d = event.decision;
            world.trace?.emit('autoscale', {
              current: d.currentReplicas,
              desired: d.desiredReplicas,
              reason: d.reason,
              limitedBy: d.limitedBy,
            });
          });
          loop.start();
        },
        peak: (world) => {
          build(world, knobs.maxReplicas);
        },
      },
      (metrics) => summarize(metrics),
      { defaultLink: { latency: constant(1) } },
    );
  },
});

function attainment(m: MetricsSnapshot): number {
  return pct(m.counters['slo.met'] ?? 0, m.counters['slo.eligible'] ?? 0);
}

function cost(m: MetricsSnapshot): number {
  return m.gauges['replica.seconds']?.value ?? Number.NaN;
}

function summarize(metrics: Readonly<Record<string, MetricsSnapshot>>): SummaryRow[] {
  const peak = metrics['peak'];
  const pattern = metrics['pattern'];
  const againstPeak = (
    label: string,
    unit: string,
    better: 'higher' | 'lower',
    measure: (m: MetricsSnapshot) => number,
  ) => ({
    label,
    unit,
    better,
    baseline: peak ? measure(peak) : Number.NaN,
    pattern: pattern ? measure(pattern) : Number.NaN,
  });
  return [
    row('Requests within the latency objective', '%', 'higher', metrics, attainment),
    row('p99 latency', 'ms', 'lower', metrics, measures.latency('req', 'p99')),
    row('Cost', 'replica-s', 'lower', metrics, cost),
    row('Most replicas', 'replicas', 'lower', metrics, (m) => m.gauges['replicas']?.max ?? Number.NaN),
    againstPeak('Cost, peak-provisioned fleet in the baseline column', 'replica-s', 'lower', cost),
    againstPeak(
      'Within the objective, peak-provisioned fleet in the baseline column',
      '%',
      'higher',
      attainment,
    ),
  ];
}
