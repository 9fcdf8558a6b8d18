/**
 * The calculator on its own: the Kubernetes documentation's examples, decided on a virtual
 * clock. No I/O, no timers: give it observations, read the decision.
 */
import { HpaCalculator, type MetricObservation } from '@keel/core/auto-scaling';
import { VirtualClock } from '@keel/core/clock';

const cpu = (replicas: number, percent: number, target: number): MetricObservation => ({
  kind: 'per-replica',
  name: 'cpu',
  target,
  utilization: true,
  samples: Array.from({ length: replicas }, () => ({ value: percent })),
});

export async function main() {
  const clock = new VirtualClock();
  const hpa = new HpaCalculator(100, { clock });

  // 50 replicas at 90% CPU against a 75% target: ceil(50 x 90 / 75) = 60.
  const busy = hpa.decide({ currentReplicas: 50, metrics: [cpu(50, 90, 75)] });
  hpa.recordScale(50, busy.desiredReplicas);

  // 8% over target is within the 10% tolerance: nothing happens.
  clock.advance(15_000);
  const close = hpa.decide({ currentReplicas: 60, metrics: [cpu(60, 81, 75)] });

  // Load halves: the scale-down waits for the 300 s stabilization window.
  const halved: number[] = [];
  for (let i = 0; i < 22; i++) {
    clock.advance(15_000);
    const decision = hpa.decide({ currentReplicas: 60, metrics: [cpu(60, 37, 75)] });
    halved.push(decision.desiredReplicas);
  }
  return {
    busy: [busy.desiredReplicas, busy.reason],
    close: [close.desiredReplicas, close.reason],
    heldFor: halved.filter((n) => n === 60).length,
    settledAt: halved.at(-1),
  };
}
