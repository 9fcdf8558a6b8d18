import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { isInvalidOptionError } from '@keel/core/errors';
import { healthService } from '@keel/core/health-check';
import { probeService } from '@keel/core/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { natsHealthCheck } from './health-check.js';

const servers = '127.0.0.1:4222';

const service = await probeService('nats', async () => {
  const probe = await connect({ servers, reconnect: false, timeout: 2_000 });
  await probe.close();
});

/**
 * A server that completes the NATS handshake and then stops answering: a stalled broker.
 */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.write(
      'INFO {"server_id":"silent","server_name":"silent","version":"2.10.0","proto":1,"max_payload":1048576,"headers":true}\r\n',
    );
    let answered = false;
    socket.on('data', (chunk) => {
      if (!answered && chunk.toString().includes('PING')) {
        answered = true;
        socket.write('PONG\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

describe.skipIf(!service.available)('natsHealthCheck against a live NATS server', () => {
  const connections: NatsConnection[] = [];
  let silent: Awaited<ReturnType<typeof silentServer>> | undefined;

  afterAll(async () => {
    await Promise.allSettled(connections.map((nc) => nc.close()));
    for (const socket of silent?.sockets ?? []) socket.destroy();
    await new Promise((resolve) => (silent ? silent.server.close(resolve) : resolve(undefined)));
  });

  it('passes with the round trip and JetStream account usage', async () => {
    const nc = await connect({ servers });
    connections.push(nc);
    const health = healthService({ checks: [natsHealthCheck(nc)] });
    const report = await health.readiness();
    expect(report.status).toBe('pass');
    const [entry] = report.checks['nats:responseTime'] ?? [];
    expect(entry).toMatchObject({
      componentId: '127.0.0.1:4222',
      componentType: 'component',
      observedUnit: 'ms',
    });
    expect(entry?.observedValue as number).toBeGreaterThanOrEqual(0);
    for (const key of ['nats:jetstreamMemory', 'nats:jetstreamStorage']) {
      const [usage] = report.checks[key] ?? [];
      expect(usage?.observedUnit).toBe('bytes');
      expect(usage?.observedValue as number).toBeGreaterThanOrEqual(0);
    }
    expect(report.checks['nats:streams']?.[0]?.observedValue as number).toBeGreaterThanOrEqual(0);
  });

  it('skips JetStream when asked', async () => {
    const nc = await connect({ servers });
    connections.push(nc);
    const report = await healthService({
      checks: [natsHealthCheck(nc, { jetstream: false, componentId: 'core' })],
    }).readiness();
    expect(report.status).toBe('pass');
    expect(Object.keys(report.checks)).toEqual(['nats:responseTime']);
    expect(report.checks['nats:responseTime']?.[0]?.componentId).toBe('core');
  });

  it('fails for a closed connection', async () => {
    const nc = await connect({ servers });
    await nc.close();
    const report = await healthService({ checks: [natsHealthCheck(nc)] }).readiness();
    expect(report.status).toBe('fail');
    expect(report.output).toBe('nats:responseTime: connection is closed');
  });

  it('fails with a TimeoutError when the server stops answering', async () => {
    silent = await silentServer();
    const nc = await connect({ servers: `127.0.0.1:${silent.port}`, reconnect: false });
    connections.push(nc);
    const report = await healthService({ checks: [natsHealthCheck(nc, { timeoutMs: 200 })] }).readiness();
    expect(report.status).toBe('fail');
    expect(report.checks['nats:responseTime']?.[0]?.output).toBe(
      'TimeoutError: Operation timed out after 200 ms',
    );
  });
});

describe('natsHealthCheck options', () => {
  it('names the offending field', () => {
    const nc = { rtt: async () => 1 } as unknown as NatsConnection;
    const bad: [unknown, unknown, string][] = [
      [nc, { name: '' }, 'name'],
      [nc, { componentId: 1 }, 'componentId'],
      [nc, { jetstream: 'yes' }, 'jetstream'],
      [nc, { usageWarnRatio: 1.5 }, 'usageWarnRatio'],
      [nc, { probes: ['live'] }, 'probes[0]'],
      [nc, { servers: 'x' }, 'options.servers'],
      [{}, {}, 'nc'],
    ];
    for (const [connection, options, field] of bad) {
      let caught: unknown;
      try {
        natsHealthCheck(connection as never, options as never);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidOptionError(caught) && caught.field).toBe(field);
    }
  });
});
