import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { isInvalidOptionError } from '@keel/core/errors';
import { healthService } from '@keel/core/health-check';
import { probeService } from '@keel/core/testing';
import { type ChannelModel, connect } from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { amqpHealthCheck } from './health-check.js';

const url = 'amqp://guest:guest@127.0.0.1:5672';

const service = await probeService('rabbitmq', async () => {
  const probe = await connect(url);
  await probe.close();
});

describe.skipIf(!service.available)('amqpHealthCheck against a live RabbitMQ', () => {
  const connections: ChannelModel[] = [];
  const silentSockets = new Set<Socket>();
  let silent: Server | undefined;

  afterAll(async () => {
    await Promise.allSettled(connections.map((c) => c.close()));
    for (const socket of silentSockets) socket.destroy();
    await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
  });

  async function open(): Promise<ChannelModel> {
    const connection = await connect(url);
    connections.push(connection);
    return connection;
  }

  it('passes on a shared connection by opening and closing a channel', async () => {
    const connection = await open();
    const report = await healthService({
      checks: [amqpHealthCheck(connection, { componentId: 'vhost:/' })],
    }).readiness();
    expect(report.status).toBe('pass');
    const [entry] = report.checks['rabbitmq:responseTime'] ?? [];
    expect(entry).toMatchObject({ componentId: 'vhost:/', componentType: 'component', observedUnit: 'ms' });
    expect(entry?.observedValue as number).toBeGreaterThanOrEqual(0);
  });

  it('passes from a URL, connecting and disconnecting each run', async () => {
    const health = healthService({ checks: [amqpHealthCheck(url, { cacheMs: 0 })] });
    expect((await health.readiness()).status).toBe('pass');
    expect((await health.readiness()).status).toBe('pass');
  });

  it('reports queue depth and consumers, and warns past the limits', async () => {
    const connection = await open();
    const channel = await connection.createConfirmChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    channel.sendToQueue(queue, Buffer.from('a'));
    channel.sendToQueue(queue, Buffer.from('b'));
    await channel.waitForConfirms();
    const report = await healthService({
      checks: [amqpHealthCheck(connection, { queue, maxMessages: 1, requireConsumer: true })],
    }).readiness();
    expect(report.status).toBe('warn');
    expect(report.checks['rabbitmq:messages']?.[0]).toMatchObject({ observedValue: 2, status: 'warn' });
    expect(report.checks['rabbitmq:consumers']?.[0]).toMatchObject({ observedValue: 0, status: 'warn' });
    await channel.close();
  });

  it('fails when the queue does not exist, and the connection survives', async () => {
    const connection = await open();
    const health = healthService({
      checks: [amqpHealthCheck(connection, { queue: 'keel.health-check.missing' })],
    });
    const report = await health.readiness();
    expect(report.status).toBe('fail');
    expect(report.checks['rabbitmq:responseTime']?.[0]?.output).toMatch(/NOT_FOUND/);
    const channel = await connection.createChannel();
    await channel.close();
  });

  it('fails at once for a closed connection', async () => {
    const connection = await connect(url);
    const watching = healthService({ checks: [amqpHealthCheck(connection)] });
    await connection.close();
    const report = await watching.readiness();
    expect(report.status).toBe('fail');
    expect(report.output).toBe('rabbitmq:responseTime: connection is closed');
    // A check made after the close learns it from amqplib instead.
    const late = await healthService({ checks: [amqpHealthCheck(connection)] }).readiness();
    expect(late.status).toBe('fail');
    expect(late.output).toMatch(/Connection closed/);
  });

  it('fails with the connection error when nothing listens', async () => {
    const report = await healthService({
      checks: [amqpHealthCheck('amqp://guest:guest@127.0.0.1:1')],
    }).readiness();
    expect(report.status).toBe('fail');
    expect(report.checks['rabbitmq:responseTime']?.[0]?.output).toBe('connect ECONNREFUSED 127.0.0.1:1');
  });

  it('fails with a TimeoutError when the broker accepts but never answers', async () => {
    silent = createServer((socket) => {
      silentSockets.add(socket);
    });
    await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const report = await healthService({
      checks: [amqpHealthCheck(`amqp://guest:guest@127.0.0.1:${port}`, { timeoutMs: 200 })],
    }).readiness();
    expect(report.status).toBe('fail');
    expect(report.checks['rabbitmq:responseTime']?.[0]?.output).toBe(
      'TimeoutError: Operation timed out after 200 ms',
    );
  });
});

describe('amqpHealthCheck options', () => {
  it('names the offending field', () => {
    const bad: [unknown, unknown, string][] = [
      ['amqp://x', { name: '' }, 'name'],
      ['amqp://x', { queue: '' }, 'queue'],
      ['amqp://x', { maxMessages: 1.5 }, 'maxMessages'],
      ['amqp://x', { requireConsumer: 'no' }, 'requireConsumer'],
      ['amqp://x', { componentId: 7 }, 'componentId'],
      ['amqp://x', { clock: 1 }, 'clock'],
      ['amqp://x', { refreshMs: -5 }, 'refreshMs'],
      ['amqp://x', { vhost: '/' }, 'options.vhost'],
      ['', {}, 'connectionOrUrl'],
      [{}, {}, 'connectionOrUrl'],
    ];
    for (const [target, options, field] of bad) {
      let caught: unknown;
      try {
        amqpHealthCheck(target as never, options as never);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidOptionError(caught) && caught.field).toBe(field);
    }
  });
});
