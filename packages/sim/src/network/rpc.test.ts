import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { constant } from '../distributions.js';
import { Simulator } from '../engine/simulator.js';
import { Network } from './network.js';
import { Rpc } from './rpc.js';

function setup() {
  const sim = new Simulator({ seed: 5 });
  const net = new Network(sim, { defaultLink: { latency: constant(10) } });
  const rpc = new Rpc(net);
  return { sim, net, rpc };
}

describe('Rpc', () => {
  it('answers after a round trip, errors included', async () => {
    const { sim, rpc } = setup();
    rpc.serve('server', (body, reply) =>
      reply(body !== 'bad', body === 'bad' ? new Error('no') : `ok ${body}`),
    );
    const good = rpc.call('client', 'server', 'x').then((v) => [v, sim.now()]);
    const bad = rpc.call('client', 'server', 'bad').catch((e: Error) => e.message);
    await sim.run(100);
    expect(await good).toEqual(['ok x', 20]);
    expect(await bad).toBe('no');
    expect(rpc.inFlight).toBe(0);
  });

  it('never settles when the request is lost, until the signal aborts', async () => {
    const { sim, net, rpc } = setup();
    rpc.serve('server', (_body, reply) => reply(true, 1));
    net.node('client');
    net.partition(['client'], ['server']);
    const controller = new AbortController();
    let outcome = 'pending';
    rpc.call('client', 'server', 1, { signal: controller.signal }).then(
      () => (outcome = 'resolved'),
      (e: unknown) => (outcome = `rejected: ${e}`),
    );
    await sim.run(1_000);
    expect(outcome).toBe('pending');
    expect(rpc.inFlight).toBe(1);
    sim.clock.setTimeout(() => controller.abort('gave up'), 10);
    await sim.run(2_000);
    expect(outcome).toContain('gave up');
    expect(rpc.inFlight).toBe(0);
  });

  it('ignores duplicated responses', async () => {
    const { sim, net, rpc } = setup();
    rpc.serve('server', (_body, reply) => reply(true, 'once'));
    net.node('client');
    net.link('server', 'client', { duplicate: 1 });
    const answer = rpc.call('client', 'server', null);
    await sim.run(100);
    expect(await answer).toBe('once');
    expect(net.stats.duplicated).toBe(1);
  });

  it('listens to the signal only while the call waits, and ignores an answer after an abort', async () => {
    const { sim, net, rpc } = setup();
    rpc.serve('server', (_body, reply) => reply(true, 'late'));
    net.node('client');
    const answered = new AbortController();
    const first = rpc.call('client', 'server', 1, { signal: answered.signal });
    expect(getEventListeners(answered.signal, 'abort')).toHaveLength(1);
    await sim.run(100);
    expect(await first).toBe('late');
    expect(getEventListeners(answered.signal, 'abort')).toHaveLength(0);
    answered.abort('after the answer');
    const aborted = new AbortController();
    const second = rpc.call('client', 'server', 2, { signal: aborted.signal }).catch((e: unknown) => e);
    const reason = new Error('too slow');
    sim.clock.setTimeout(() => aborted.abort(reason), 5);
    await sim.run(200);
    expect(await second).toBe(reason);
    expect(rpc.inFlight).toBe(0);
    expect(net.stats.delivered).toBe(4);
  });

  it('rejects at once with an already-aborted signal', async () => {
    const { rpc } = setup();
    const controller = new AbortController();
    controller.abort(new Error('before'));
    await expect(rpc.call('client', 'server', 1, { signal: controller.signal })).rejects.toThrow('before');
  });

  it('rejects bad serve options', () => {
    const { rpc } = setup();
    expect(() => rpc.serve('s', () => {}, { responseSize: -1 })).toThrow(/responseSize/);
    expect(() => rpc.serve('s', () => {}, { internal: 1 } as never)).toThrow(/internal/);
  });
});
