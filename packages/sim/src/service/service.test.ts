import { describe, expect, it } from 'vitest';
import { constant, exponential } from '../distributions.js';
import { Simulator } from '../engine/simulator.js';
import { isServiceError, isUnknownScenarioError, ServiceError } from '../errors.js';
import { openLoop } from '../load/load.js';
import { constantRate } from '../load/rate-schedule.js';
import { Network } from '../network/network.js';
import { Rpc } from '../network/rpc.js';
import { Service, type ServiceOptions } from './service.js';

function setup<S = undefined>(options: ServiceOptions<S>, seed = 1) {
  const sim = new Simulator({ seed });
  const net = new Network(sim, { defaultLink: { latency: constant(0) } });
  const rpc = new Rpc(net);
  const service = new Service(rpc, 'svc', options);
  net.node('client');
  const outcomes: { ok: boolean; value: unknown; latency: number }[] = [];
  const call = (body: unknown = null) => {
    const start = sim.now();
    rpc.call('client', 'svc', body).then(
      (value) => outcomes.push({ ok: true, value, latency: sim.now() - start }),
      (value: unknown) => outcomes.push({ ok: false, value, latency: sim.now() - start }),
    );
  };
  return { sim, net, rpc, service, outcomes, call };
}

describe('Service', () => {
  it('an M/M/1 service has mean latency close to 1 / (mu - lambda)', async () => {
    const { sim, outcomes, call } = setup({ concurrency: 1, serviceTime: exponential(10) }, 11);
    openLoop(sim, constantRate(70), () => call()); // lambda 0.07/ms, mu 0.1/ms
    await sim.run(2_000_000);
    const mean = outcomes.reduce((a, o) => a + o.latency, 0) / outcomes.length;
    expect(mean / (1 / (0.1 - 0.07))).toBeGreaterThan(0.9);
    expect(mean / (1 / (0.1 - 0.07))).toBeLessThan(1.1);
  });

  it('an M/M/1 service at low load answers in about its service time', async () => {
    const { sim, outcomes, call } = setup({ concurrency: 1, serviceTime: exponential(10) }, 12);
    openLoop(sim, constantRate(10), () => call());
    await sim.run(1_000_000);
    const mean = outcomes.reduce((a, o) => a + o.latency, 0) / outcomes.length;
    expect(mean / (1 / (0.1 - 0.01))).toBeCloseTo(1, 1);
  });

  it('queues beyond its workers and refuses beyond its queue', async () => {
    const { sim, service, outcomes, call } = setup({
      concurrency: 2,
      queueCapacity: 1,
      serviceTime: constant(10),
    });
    for (let i = 0; i < 5; i++) call(i);
    await sim.run(100);
    expect(service.stats).toMatchObject({ accepted: 3, rejected: 2, succeeded: 3 });
    const refused = outcomes.filter((o) => !o.ok);
    expect(refused.every((o) => isServiceError(o.value) && o.value.reason === 'overloaded')).toBe(true);
    expect(outcomes.filter((o) => o.ok).map((o) => o.latency)).toEqual([10, 10, 20]);
  });

  it('fails at its error rate', async () => {
    const { sim, service, outcomes, call } = setup({ errorRate: 0.2, concurrency: 100 });
    for (let i = 0; i < 10_000; i++) call(i);
    await sim.run(10_000);
    expect(outcomes.length).toBe(10_000);
    expect(outcomes.filter((o) => !o.ok).length / 10_000).toBeCloseTo(0.2, 1);
    expect(service.stats.failed + service.stats.succeeded).toBe(10_000);
  });

  it('hangs: processes but never answers', async () => {
    const { sim, service, outcomes, call } = setup({ hangRate: 1 });
    call();
    await sim.run(10_000);
    expect(outcomes).toEqual([]);
    expect(service.stats.hung).toBe(1);
    expect(service.busy).toBe(0);
  });

  it('browns out: slower and more errors, until reverted', async () => {
    const { sim, service, outcomes, call } = setup({ serviceTime: constant(10), concurrency: 1_000 });
    const end = service.brownout({ slowdown: 4, errorRate: 1 });
    call();
    await sim.run(100);
    expect(outcomes[0]).toMatchObject({ ok: false, latency: 40 });
    expect((outcomes[0]!.value as ServiceError).reason).toBe('brownout');
    end();
    end();
    call();
    await sim.run(200);
    expect(outcomes[1]).toMatchObject({ ok: true, latency: 10 });
  });

  it('crashes losing work in progress, and restarts with or without its state', async () => {
    const { sim, service, outcomes, call, net } = setup<{ count: number }>({
      serviceTime: constant(10),
      concurrency: 1,
      initialState: () => ({ count: 0 }),
      handle: (_body, state) => ++state.count,
    });
    call();
    await sim.run(20);
    expect(outcomes.map((o) => o.value)).toEqual([1]);
    call();
    call();
    sim.schedule(5, () => service.crash(), undefined);
    await sim.run(100);
    expect(service.up).toBe(false);
    expect(service.stats.lost).toBe(2);
    call();
    await sim.run(200);
    expect(net.stats.undeliverable).toBe(1);
    expect(outcomes.length).toBe(1);
    service.restart({ keepState: true });
    call();
    await sim.run(300);
    expect(outcomes.at(-1)!.value).toBe(2);
    service.crash();
    service.restart();
    call();
    await sim.run(400);
    expect(outcomes.at(-1)!.value).toBe(1);
    expect(service.stats.crashes).toBe(2);
  });

  it('answers with the error a handler throws', async () => {
    const { sim, outcomes, call } = setup({
      handle: () => {
        throw new RangeError('bad input');
      },
    });
    call();
    await sim.run(1_000);
    expect(outcomes[0]!.ok).toBe(false);
    expect(outcomes[0]!.value).toBeInstanceOf(RangeError);
  });

  it('rejects bad options naming the field', () => {
    expect(() => setup({ concurrency: 0 })).toThrow(/concurrency/);
    expect(() => setup({ queueCapacity: -1 })).toThrow(/queueCapacity/);
    expect(() => setup({ errorRate: 1.5 })).toThrow(/errorRate/);
    expect(() => setup({ hangRate: -0.5 })).toThrow(/hangRate/);
    expect(() => setup({ serviceTime: 5 as never })).toThrow(/serviceTime/);
    expect(() => setup({ workers: 5 } as never)).toThrow(/workers/);
    const { service } = setup({});
    expect(() => service.brownout({ slowdown: -1 })).toThrow(/slowdown/);
    expect(() => service.setErrorRate(2)).toThrow(/errorRate/);
  });

  it('ServiceError guard accepts its own errors only', () => {
    expect(isServiceError(new ServiceError('x', 'injected'))).toBe(true);
    expect(isServiceError(new Error('x'))).toBe(false);
    expect(isUnknownScenarioError(new ServiceError('x', 'injected'))).toBe(false);
  });
});
