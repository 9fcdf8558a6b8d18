import { VirtualClock } from '@keel/core/clock';
import { isInvalidOptionError } from '@keel/core/errors';
import { describe, expect, it } from 'vitest';
import type { ScalingBehavior } from './behavior.js';
import { HpaCalculator, type HpaInput, hpaCalculator } from './hpa-calculator.js';
import type { MetricObservation, PerReplicaObservation } from './metric.js';

/** A per-replica metric where every replica reports `value` against `target`. */
function uniform(replicas: number, value: number, target: number, name = 'load'): PerReplicaObservation {
  return { kind: 'per-replica', name, target, samples: Array.from({ length: replicas }, () => ({ value })) };
}

/** Decides and, like a controller, applies the result at once. */
function step(hpa: HpaCalculator, input: HpaInput) {
  const decision = hpa.decide(input);
  hpa.recordScale(input.currentReplicas, decision.desiredReplicas);
  return decision;
}

describe('HpaCalculator: the documented examples', () => {
  const cases: {
    name: string;
    max: number;
    current: number;
    metrics: MetricObservation[];
    desired: number;
    reason: string;
    limitedBy?: string;
  }[] = [
    {
      name: 'current 200m against a 100m target doubles the replicas',
      max: 20,
      current: 3,
      metrics: [uniform(3, 200, 100)],
      desired: 6,
      reason: 'above-target',
    },
    {
      name: 'current 50m against a 100m target halves them',
      max: 20,
      current: 4,
      metrics: [uniform(4, 50, 100)],
      desired: 2,
      reason: 'below-target',
    },
    {
      name: '50 replicas at 90% CPU with a 75% target go to 60 (v1.33 tolerance post)',
      max: 100,
      current: 50,
      metrics: [{ ...uniform(50, 90, 75), utilization: true }],
      desired: 60,
      reason: 'above-target',
    },
    {
      name: 'a ratio within 10% of 1 changes nothing (1.1 exactly is within)',
      max: 20,
      current: 10,
      metrics: [uniform(10, 110, 100)],
      desired: 10,
      reason: 'within-tolerance',
    },
    {
      name: 'a ratio of 0.9 is within tolerance too',
      max: 20,
      current: 10,
      metrics: [uniform(10, 90, 100)],
      desired: 10,
      reason: 'within-tolerance',
    },
    {
      name: 'with several metrics the largest proposal wins',
      max: 20,
      current: 4,
      metrics: [uniform(4, 50, 100, 'cpu'), uniform(4, 150, 100, 'queue'), uniform(4, 100, 100, 'memory')],
      desired: 6,
      reason: 'above-target',
    },
    {
      name: 'the result never exceeds maxReplicas',
      max: 5,
      current: 4,
      metrics: [uniform(4, 200, 100)],
      desired: 5,
      reason: 'above-target',
      limitedBy: 'max-replicas',
    },
    {
      name: 'the default scale-up policy allows 4 pods from 1 (more than 100%)',
      max: 20,
      current: 1,
      metrics: [{ ...uniform(1, 305, 50), utilization: true }],
      desired: 5,
      reason: 'above-target',
      limitedBy: 'scale-up-policy',
    },
    {
      name: 'the default scale-up policy allows 100% from 10 (more than 4 pods)',
      max: 50,
      current: 10,
      metrics: [uniform(10, 400, 100)],
      desired: 20,
      reason: 'above-target',
      limitedBy: 'scale-up-policy',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const hpa = new HpaCalculator(c.max, { clock: new VirtualClock() });
      const decision = hpa.decide({ currentReplicas: c.current, metrics: c.metrics });
      expect(decision.desiredReplicas).toBe(c.desired);
      expect(decision.reason).toBe(c.reason);
      expect(decision.limitedBy).toBe(c.limitedBy ?? 'none');
    });
  }

  it('walkthrough: 305% of the request with a 50% target asks for 7 and gets there in two syncs', () => {
    const clock = new VirtualClock();
    const hpa = new HpaCalculator(10, { clock });
    const first = step(hpa, { currentReplicas: 1, metrics: [{ ...uniform(1, 305, 50), utilization: true }] });
    expect(first.proposedReplicas).toBe(7);
    expect(first.desiredReplicas).toBe(5);
    clock.advance(15_000);
    // The same total load spread over 5 replicas: 61% each, ratio 1.22, proposal ceil(6.1) = 7.
    const second = step(hpa, { currentReplicas: 5, metrics: [{ ...uniform(5, 61, 50), utilization: true }] });
    expect(second.desiredReplicas).toBe(7);
  });

  it('scale-down policies: 4 pods or 10% per minute, the larger change, takes 80 replicas to 10 as documented', () => {
    const clock = new VirtualClock();
    const behavior: ScalingBehavior = {
      scaleDown: {
        policies: [
          { type: 'Pods', value: 4, periodMs: 60_000 },
          { type: 'Percent', value: 10, periodMs: 60_000 },
        ],
      },
    };
    const hpa = new HpaCalculator(100, { clock, minReplicas: 1, behavior });
    let replicas = 80;
    const seen = [replicas];
    while (replicas > 10) {
      // Load that 10 replicas can carry at target.
      const load: MetricObservation = {
        kind: 'average-value',
        name: 'rps',
        value: 1000,
        targetPerReplica: 100,
      };
      const decision = step(hpa, { currentReplicas: replicas, metrics: [load] });
      expect(decision.limitedBy === 'scale-down-policy' || decision.desiredReplicas === 10).toBe(true);
      // Within the minute no further change is allowed.
      clock.advance(15_000);
      expect(
        hpa.decide({ currentReplicas: decision.desiredReplicas, metrics: [uniform(1, 10, 100)] })
          .desiredReplicas,
      ).toBe(decision.desiredReplicas);
      clock.advance(45_000);
      replicas = decision.desiredReplicas;
      seen.push(replicas);
    }
    // 80 -> 72 (10%), 72 -> 64 (trunc 64.8), ... 4 at a time once below 40.
    expect(seen).toEqual([80, 72, 64, 57, 51, 45, 40, 36, 32, 28, 24, 20, 16, 12, 10]);
  });

  it('selectPolicy Min picks the policy with the smallest change: at most 5 pods or 10% per minute', () => {
    const behavior: ScalingBehavior = {
      scaleDown: {
        stabilizationWindowMs: 0,
        selectPolicy: 'Min',
        policies: [
          { type: 'Percent', value: 10, periodMs: 60_000 },
          { type: 'Pods', value: 5, periodMs: 60_000 },
        ],
      },
    };
    const at80 = new HpaCalculator(100, { clock: new VirtualClock(), behavior });
    expect(at80.decide({ currentReplicas: 80, metrics: [uniform(80, 10, 100)] }).desiredReplicas).toBe(75);
    const at30 = new HpaCalculator(100, { clock: new VirtualClock(), behavior });
    expect(at30.decide({ currentReplicas: 30, metrics: [uniform(30, 10, 100)] }).desiredReplicas).toBe(27);
  });

  it('selectPolicy Disabled stops scaling in that direction only', () => {
    const hpa = new HpaCalculator(100, {
      clock: new VirtualClock(),
      behavior: { scaleDown: { selectPolicy: 'Disabled' } },
    });
    const down = hpa.decide({ currentReplicas: 10, metrics: [uniform(10, 10, 100)] });
    expect(down).toMatchObject({
      desiredReplicas: 10,
      limitedBy: 'scale-down-policy',
      reason: 'below-target',
    });
    expect(hpa.decide({ currentReplicas: 10, metrics: [uniform(10, 200, 100)] }).desiredReplicas).toBe(20);
  });

  it('scale-down stabilization (300 s) uses the highest recommendation of the window', () => {
    const clock = new VirtualClock();
    const hpa = new HpaCalculator(20, { clock });
    expect(step(hpa, { currentReplicas: 10, metrics: [uniform(10, 100, 100)] }).desiredReplicas).toBe(10);
    const seen: number[] = [];
    for (let t = 15_000; t <= 330_000; t += 15_000) {
      clock.advanceTo(t);
      const decision = step(hpa, { currentReplicas: 10, metrics: [uniform(10, 50, 100)] });
      seen.push(decision.desiredReplicas);
      if (decision.desiredReplicas !== 10) break;
      expect(decision.limitedBy).toBe('stabilization');
    }
    // The recommendation of 10 made at t = 0 counts until the window has fully passed.
    expect(seen.at(-1)).toBe(5);
    expect(seen.length).toBe(20); // t = 300 s
  });

  it('scale-up stabilization uses the lowest recommendation of its window', () => {
    const clock = new VirtualClock();
    const hpa = new HpaCalculator(20, { clock, behavior: { scaleUp: { stabilizationWindowMs: 60_000 } } });
    step(hpa, { currentReplicas: 4, metrics: [uniform(4, 100, 100)] });
    clock.advance(30_000);
    const early = step(hpa, { currentReplicas: 4, metrics: [uniform(4, 200, 100)] });
    expect(early).toMatchObject({ desiredReplicas: 4, limitedBy: 'stabilization', proposedReplicas: 8 });
    clock.advance(30_000);
    expect(step(hpa, { currentReplicas: 4, metrics: [uniform(4, 200, 100)] }).desiredReplicas).toBe(8);
  });

  it('the default scale-up limit counts changes already made in the period', () => {
    const clock = new VirtualClock();
    const hpa = new HpaCalculator(100, { clock });
    expect(step(hpa, { currentReplicas: 2, metrics: [uniform(2, 1000, 100)] }).desiredReplicas).toBe(6);
    clock.advance(5_000);
    // Still within 15 s of the first change: the period started at 2, so 6 is the most.
    const held = step(hpa, { currentReplicas: 6, metrics: [uniform(6, 1000, 100)] });
    expect(held).toMatchObject({ desiredReplicas: 6, limitedBy: 'scale-up-policy' });
    clock.advance(10_000);
    expect(step(hpa, { currentReplicas: 6, metrics: [uniform(6, 1000, 100)] }).desiredReplicas).toBe(12);
  });

  it('brings a count outside the bounds back at once, and treats 0 replicas as disabled', () => {
    const hpa = new HpaCalculator(10, { clock: new VirtualClock(), minReplicas: 2 });
    expect(hpa.decide({ currentReplicas: 15, metrics: [] })).toMatchObject({
      desiredReplicas: 10,
      reason: 'above-max',
    });
    expect(hpa.decide({ currentReplicas: 1, metrics: [] })).toMatchObject({
      desiredReplicas: 2,
      reason: 'below-min',
    });
    expect(hpa.decide({ currentReplicas: 0, metrics: [] })).toMatchObject({
      desiredReplicas: 0,
      reason: 'autoscaling-disabled',
    });
  });
});

describe('HpaCalculator: missing metrics and not-yet-ready replicas', () => {
  const hpa = () =>
    new HpaCalculator(20, {
      clock: new VirtualClock(),
      behavior: { scaleDown: { stabilizationWindowMs: 0 } },
    });

  it('a missing replica counts as max(100%, target) on a scale-down: 3 at 40% and one missing stay at 4', () => {
    const cpu: MetricObservation = {
      kind: 'per-replica',
      name: 'cpu',
      target: 50,
      utilization: true,
      samples: [{ value: 40 }, { value: 40 }, { value: 40 }, {}],
    };
    const decision = hpa().decide({ currentReplicas: 4, metrics: [cpu] });
    expect(decision.desiredReplicas).toBe(4);
    expect(decision.proposals[0]).toMatchObject({ note: 'within-tolerance', usageRatio: 0.8 });
    // Without the missing replica the same readings scale down to ceil(0.8 x 3) = 3.
    expect(
      hpa().decide({ currentReplicas: 3, metrics: [{ ...cpu, samples: cpu.samples.slice(0, 3) }] })
        .desiredReplicas,
    ).toBe(3);
  });

  it('a missing replica counts as the target for plain values on a scale-down', () => {
    const load: MetricObservation = {
      kind: 'per-replica',
      name: 'rps',
      target: 100,
      samples: [{ value: 40 }, { value: 40 }, {}],
    };
    // (40 + 40 + 100) / 3 = 60 -> ratio 0.6 -> ceil(1.8) = 2, instead of ceil(0.4 x 2) = 1.
    expect(hpa().decide({ currentReplicas: 3, metrics: [load] })).toMatchObject({ desiredReplicas: 2 });
  });

  it('a missing replica counts as 0 on a scale-up', () => {
    const load: MetricObservation = {
      kind: 'per-replica',
      name: 'rps',
      target: 100,
      samples: [{ value: 300 }, { value: 300 }, {}],
    };
    // (300 + 300 + 0) / 3 = 200 -> ceil(2 x 3) = 6.
    expect(hpa().decide({ currentReplicas: 3, metrics: [load] }).desiredReplicas).toBe(6);
  });

  it('not-yet-ready replicas count as 0 on a scale-up and cannot reverse it into a scale-down', () => {
    const load: MetricObservation = {
      kind: 'per-replica',
      name: 'rps',
      target: 100,
      samples: [{ value: 150 }, { value: 400, ready: false }, { value: 400, ready: false }],
    };
    // Ready alone: ratio 1.5 over 1 replica would propose 2, a scale-down from 3. With the two
    // starting replicas at 0 the ratio is 0.5: the direction flips, so nothing changes.
    const decision = hpa().decide({ currentReplicas: 3, metrics: [load] });
    expect(decision.desiredReplicas).toBe(3);
    expect(decision.proposals[0]).toMatchObject({ note: 'direction-reversed' });
  });

  it('not-yet-ready replicas are ignored on a scale-down', () => {
    const load: MetricObservation = {
      kind: 'per-replica',
      name: 'rps',
      target: 100,
      samples: [{ value: 20 }, { value: 20 }, { value: 900, ready: false }],
    };
    expect(hpa().decide({ currentReplicas: 3, metrics: [load] }).desiredReplicas).toBe(1);
  });

  it('an unavailable metric blocks a scale-down but not a scale-up', () => {
    const gone: MetricObservation = { kind: 'unavailable', name: 'queue' };
    const down = hpa().decide({ currentReplicas: 4, metrics: [uniform(4, 10, 100), gone] });
    expect(down).toMatchObject({ desiredReplicas: 4, reason: 'metrics-unavailable' });
    const up = hpa().decide({ currentReplicas: 4, metrics: [uniform(4, 300, 100), gone] });
    expect(up).toMatchObject({
      proposedReplicas: 12,
      desiredReplicas: 8,
      reason: 'above-target',
      metric: 'load',
    });
    expect(hpa().decide({ currentReplicas: 4, metrics: [gone] }).reason).toBe('metrics-unavailable');
    expect(hpa().decide({ currentReplicas: 4, metrics: [] }).reason).toBe('metrics-unavailable');
  });

  it('no ready replica with a value makes the metric unavailable', () => {
    const load: MetricObservation = {
      kind: 'per-replica',
      name: 'rps',
      target: 100,
      samples: [{}, { value: 5, ready: false }],
    };
    expect(hpa().decide({ currentReplicas: 2, metrics: [load] }).reason).toBe('metrics-unavailable');
  });
});

describe('HpaCalculator: whole-workload metrics', () => {
  it('a value target scales the ready replicas by the ratio', () => {
    const hpa = new HpaCalculator(50, { clock: new VirtualClock() });
    const decision = hpa.decide({
      currentReplicas: 5,
      readyReplicas: 4,
      metrics: [{ kind: 'value', name: 'p99', value: 300, target: 200 }],
    });
    expect(decision.desiredReplicas).toBe(6); // ceil(1.5 x 4)
  });

  it('an average-value target divides the value by the target per replica', () => {
    const hpa = new HpaCalculator(50, { clock: new VirtualClock() });
    const queue: MetricObservation = {
      kind: 'average-value',
      name: 'queue',
      value: 1000,
      targetPerReplica: 150,
    };
    expect(hpa.decide({ currentReplicas: 5, metrics: [queue] }).desiredReplicas).toBe(7); // ceil(1000 / 150)
    // 1000 / (5 x 200) = 1.0: within tolerance.
    expect(
      hpa.decide({ currentReplicas: 5, metrics: [{ ...queue, targetPerReplica: 200 }] }).desiredReplicas,
    ).toBe(5);
  });
});

describe('HpaCalculator options', () => {
  const bad: [string, () => unknown][] = [
    ['maxReplicas', () => hpaCalculator(0)],
    ['minReplicas', () => hpaCalculator(5, { minReplicas: 6 })],
    ['minReplicas', () => hpaCalculator(5, { minReplicas: -1 })],
    ['tolerance', () => hpaCalculator(5, { tolerance: -0.1 })],
    ['HpaCalculator.speed', () => hpaCalculator(5, { speed: 1 } as never)],
    ['clock', () => hpaCalculator(5, { clock: {} as never })],
    ['behavior', () => hpaCalculator(5, { behavior: 3 as never })],
    ['behavior.sideways', () => hpaCalculator(5, { behavior: { sideways: {} } as never })],
    [
      'behavior.scaleUp.stabilizationWindowMs',
      () => hpaCalculator(5, { behavior: { scaleUp: { stabilizationWindowMs: 3_600_001 } } }),
    ],
    [
      'behavior.scaleUp.selectPolicy',
      () => hpaCalculator(5, { behavior: { scaleUp: { selectPolicy: 'Most' as never } } }),
    ],
    ['behavior.scaleDown.policies', () => hpaCalculator(5, { behavior: { scaleDown: { policies: [] } } })],
    [
      'behavior.scaleDown.policies',
      () => hpaCalculator(5, { behavior: { scaleDown: { policies: 'x' as never } } }),
    ],
    [
      'behavior.scaleDown.policies[0].type',
      () =>
        hpaCalculator(5, {
          behavior: { scaleDown: { policies: [{ type: 'Nodes' as never, value: 1, periodMs: 1 }] } },
        }),
    ],
    [
      'behavior.scaleDown.policies[0].value',
      () =>
        hpaCalculator(5, {
          behavior: { scaleDown: { policies: [{ type: 'Pods', value: 0, periodMs: 1 }] } },
        }),
    ],
    [
      'behavior.scaleDown.policies[0].periodMs',
      () =>
        hpaCalculator(5, {
          behavior: { scaleDown: { policies: [{ type: 'Pods', value: 1, periodMs: 1_800_001 }] } },
        }),
    ],
    [
      'behavior.scaleDown.policies[0].extra',
      () =>
        hpaCalculator(5, {
          behavior: { scaleDown: { policies: [{ type: 'Pods', value: 1, periodMs: 1, extra: 1 } as never] } },
        }),
    ],
    ['behavior.scaleDown.tolerance', () => hpaCalculator(5, { behavior: { scaleDown: { tolerance: -1 } } })],
    ['currentReplicas', () => hpaCalculator(5).decide({ currentReplicas: 1.5, metrics: [] })],
    ['readyReplicas', () => hpaCalculator(5).decide({ currentReplicas: 1, readyReplicas: -1, metrics: [] })],
  ];
  for (const [field, make] of bad) {
    it(`rejects a bad ${field}`, () => {
      let error: unknown;
      try {
        make();
      } catch (e) {
        error = e;
      }
      expect(isInvalidOptionError(error)).toBe(true);
      expect((error as { field: string }).field).toBe(field);
    });
  }

  it('fills a partial behavior from the defaults and allows Disabled without policies', () => {
    const hpa = hpaCalculator(5, {
      behavior: { scaleDown: { selectPolicy: 'Disabled', policies: [] }, scaleUp: { tolerance: 0 } },
    });
    expect(hpa.behavior.scaleDown.stabilizationWindowMs).toBe(300_000);
    expect(hpa.behavior.scaleUp.policies).toHaveLength(2);
    expect(hpa.behavior.scaleUp.tolerance).toBe(0);
    expect(hpa.behavior.scaleDown.tolerance).toBe(0.1);
  });

  it('per-direction tolerance: zero scale-up tolerance reacts to a 5% excess', () => {
    const hpa = hpaCalculator(50, { clock: new VirtualClock(), behavior: { scaleUp: { tolerance: 0 } } });
    expect(hpa.decide({ currentReplicas: 20, metrics: [uniform(20, 105, 100)] }).desiredReplicas).toBe(21);
    expect(hpa.decide({ currentReplicas: 20, metrics: [uniform(20, 95, 100)] }).desiredReplicas).toBe(20);
  });

  it('reset forgets the history', () => {
    const clock = new VirtualClock();
    const hpa = hpaCalculator(20, { clock });
    step(hpa, { currentReplicas: 10, metrics: [uniform(10, 100, 100)] });
    clock.advance(15_000);
    expect(hpa.decide({ currentReplicas: 10, metrics: [uniform(10, 50, 100)] }).desiredReplicas).toBe(10);
    hpa.reset();
    expect(hpa.decide({ currentReplicas: 10, metrics: [uniform(10, 50, 100)] }).desiredReplicas).toBe(5);
  });
});
