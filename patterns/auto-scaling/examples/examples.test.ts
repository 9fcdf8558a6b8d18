import { describe, expect, it } from 'vitest';
import { main as hpaArithmetic } from './hpa-arithmetic.js';
import { main as severalMetrics } from './several-metrics.js';
import { main as workerThreads } from './worker-threads.js';

describe('auto-scaling examples', () => {
  it('hpa arithmetic: 50 -> 60, tolerance holds, scale-down after the 300 s window', async () => {
    expect(await hpaArithmetic()).toEqual({
      busy: [60, 'above-target'],
      close: [60, 'within-tolerance'],
      // The recommendation of 60 made at 15 s counts until 315 s.
      heldFor: 19,
      settledAt: 30,
    });
  });

  it('worker threads: a backlog of 40 grows the pool to 4 real threads, then it shrinks back to 1', async () => {
    expect(await workerThreads()).toEqual({ scaled: ['1 -> 4', '4 -> 1'], busyWorkers: 4, idleWorkers: 1 });
  });

  it('several metrics: the higher proposal wins and a missing metric blocks the scale-down', async () => {
    expect(await severalMetrics()).toEqual({
      log: [
        '4 -> 5 (above-target, by p99-ms)',
        'p99-ms unavailable',
        '5 -> 5 (metrics-unavailable, by none)',
        // In-flight asks for ceil(0.2 x 5) = 1, latency for ceil(0.25 x 5) = 2: the higher wins.
        '5 -> 2 (below-target, by p99-ms)',
      ],
      replicas: 2,
    });
  });
});
