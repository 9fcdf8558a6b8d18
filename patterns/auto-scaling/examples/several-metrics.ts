/**
 * A control loop on two metrics, in-flight requests per replica and a latency percentile:
 * the higher proposal wins, and a metric that cannot be read blocks scale-downs but not
 * scale-ups. The actuator here is a plain object; any deployment API fits the same shape.
 */
import { autoscaler, HpaCalculator, inFlightMetric, valueMetric } from '@keel/core/auto-scaling';
import { VirtualClock } from '@keel/core/clock';

export async function main() {
  const clock = new VirtualClock();
  let replicas = 4;
  let inFlight = [10, 10, 10, 10];
  let p99: number | undefined = 250;
  const loop = autoscaler({
    calculator: new HpaCalculator(20, { clock, behavior: { scaleDown: { stabilizationWindowMs: 0 } } }),
    metrics: [
      inFlightMetric('in-flight', () => inFlight, 10),
      valueMetric(
        'p99-ms',
        () => {
          if (p99 === undefined) throw new Error('metrics backend down');
          return p99;
        },
        200,
      ),
    ],
    actuator: {
      status: () => ({ replicas }),
      setReplicas: (n) => {
        replicas = n;
      },
    },
    clock,
  });
  const log: string[] = [];
  loop.onEvent((e) => {
    if (e.type === 'decision') {
      const d = e.decision;
      log.push(`${d.currentReplicas} -> ${d.desiredReplicas} (${d.reason}, by ${d.metric ?? 'none'})`);
    } else if (e.type === 'metric-unavailable') log.push(`${e.metric} unavailable`);
  });

  // In-flight is on target, latency 25% over: latency wins, 4 -> 5.
  await loop.sync();
  // Load drops, but latency cannot be read: no scale-down.
  inFlight = [2, 2, 2, 2, 2];
  p99 = undefined;
  clock.advance(15_000);
  await loop.sync();
  // Latency is back and low: both metrics ask for fewer replicas, and the higher proposal wins.
  p99 = 50;
  clock.advance(15_000);
  await loop.sync();
  return { log, replicas };
}
