import { isInvalidOptionError } from '@keel/core/errors';
import { describe, expect, it } from 'vitest';
import {
  inFlightMetric,
  perReplicaMetric,
  queueDepthMetric,
  utilizationMetric,
  valueMetric,
} from './metric-source.js';

describe('metric sources', () => {
  it('wrap synchronous readings into observations, passing the clock time', () => {
    const times: number[] = [];
    const rps = perReplicaMetric(
      'rps',
      (now) => {
        times.push(now);
        return [{ value: 1 }, { ready: false, value: 2 }];
      },
      5,
    );
    expect(rps.sample(42)).toEqual({
      kind: 'per-replica',
      name: 'rps',
      target: 5,
      samples: [{ value: 1 }, { ready: false, value: 2 }],
    });
    expect(times).toEqual([42]);
    expect(utilizationMetric('cpu', () => [{ value: 70 }], 60).sample(0)).toMatchObject({
      utilization: true,
      target: 60,
    });
    expect(inFlightMetric('in-flight', () => [3, 4], 2).sample(0)).toEqual({
      kind: 'per-replica',
      name: 'in-flight',
      target: 2,
      samples: [{ value: 3 }, { value: 4 }],
    });
    expect(queueDepthMetric('jobs', () => 9, 3).sample(0)).toEqual({
      kind: 'average-value',
      name: 'jobs',
      value: 9,
      targetPerReplica: 3,
    });
    expect(valueMetric('p99', () => 250, 200).sample(0)).toEqual({
      kind: 'value',
      name: 'p99',
      value: 250,
      target: 200,
    });
  });

  it('wrap asynchronous readings and pass rejections through', async () => {
    const depth = queueDepthMetric('jobs', async () => 12, 4);
    expect(await depth.sample(0)).toMatchObject({ value: 12 });
    const broken = valueMetric('p99', () => Promise.reject(new Error('down')), 1);
    await expect(broken.sample(0)).rejects.toThrow('down');
  });

  it('reject bad targets, names and readers, naming the field', () => {
    const attempts: [string, () => unknown][] = [
      ['targetAverage', () => perReplicaMetric('x', () => [], 0)],
      ['targetPercent', () => utilizationMetric('x', () => [], -5)],
      ['targetPerReplica', () => inFlightMetric('x', () => [], Number.NaN)],
      ['targetPerReplica', () => queueDepthMetric('x', () => 0, 0)],
      ['target', () => valueMetric('x', () => 0, 0)],
      ['name', () => valueMetric('', () => 0, 1)],
      ['read', () => valueMetric('x', 5 as never, 1)],
    ];
    for (const [field, attempt] of attempts) {
      let error: unknown;
      try {
        attempt();
      } catch (e) {
        error = e;
      }
      expect(isInvalidOptionError(error) && error.field).toBe(field);
    }
  });
});
