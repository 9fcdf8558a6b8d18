import { VirtualClock } from '@keel/core/clock';
import { isInvalidOptionError } from '@keel/core/errors';
import { healthService } from '@keel/core/health-check';
import { probeService } from '@keel/core/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisHealthCheck } from './health-check.js';

const connection = { host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 } as const;

const service = await probeService('redis', async () => {
  const probe = new Redis({ ...connection, retryStrategy: () => null });
  try {
    await probe.connect();
    await probe.ping();
  } finally {
    probe.disconnect();
  }
});

describe.skipIf(!service.available)('redisHealthCheck against a live Redis', () => {
  const redis = new Redis(connection);
  const blocker = new Redis(connection);
  const closed = new Redis(connection);
  const unreachable = new Redis({ ...connection, port: 1, retryStrategy: () => null });
  unreachable.on('error', () => undefined);

  afterAll(() => {
    for (const client of [redis, blocker, closed, unreachable]) client.disconnect();
  });

  it('passes with the PING round trip as observed value', async () => {
    await redis.connect();
    const health = healthService({ checks: [redisHealthCheck(redis, { componentId: 'cache' })] });
    const report = await health.readiness();
    expect(report.status).toBe('pass');
    const [entry] = report.checks['redis:responseTime'] ?? [];
    expect(entry).toMatchObject({
      componentId: 'cache',
      componentType: 'datastore',
      observedUnit: 'ms',
      status: 'pass',
    });
    expect(entry?.observedValue as number).toBeGreaterThanOrEqual(0);
  });

  it('fails at once for a client that was closed', async () => {
    await closed.connect();
    const ended = new Promise((resolve) => closed.once('end', resolve));
    await closed.quit();
    await ended;
    const report = await healthService({ checks: [redisHealthCheck(closed)] }).readiness();
    expect(report.status).toBe('fail');
    expect(report.output).toBe('redis:responseTime: connection is closed (client status "end")');
  });

  it('fails with the connection error when nothing listens', async () => {
    const report = await healthService({
      checks: [redisHealthCheck(unreachable, { timeoutMs: 3_000 })],
    }).readiness();
    expect(report.status).toBe('fail');
    expect(report.checks['redis:responseTime']?.[0]?.output).toMatch(/ECONNREFUSED|closed|connect/i);
  });

  it('fails with a TimeoutError when the server does not answer in time', async () => {
    await blocker.connect();
    // A blocking BLPOP holds this connection for a second and PING queues behind it: the
    // head-of-line stall a real client sees, without pausing the server for anyone else
    // (CLIENT PAUSE would).
    const stall = blocker.blpop('keel:health-check:never', 1);
    const report = await healthService({
      checks: [redisHealthCheck(blocker, { timeoutMs: 150 })],
    }).readiness();
    expect(report.status).toBe('fail');
    expect(report.checks['redis:responseTime']?.[0]?.output).toBe(
      'TimeoutError: Operation timed out after 150 ms',
    );
    expect(await stall).toBeNull();
  });
});

describe('redisHealthCheck without a server', () => {
  it('warns on an unexpected reply and measures on the given clock', async () => {
    const clock = new VirtualClock();
    const odd = {
      ping: () => new Promise<string>((resolve) => clock.setTimeout(() => resolve('HELLO'), 7)),
      status: 'ready',
    };
    const health = healthService({ clock, checks: [redisHealthCheck(odd, { clock })] });
    const pending = health.readiness();
    await clock.advanceAsync(7);
    const report = await pending;
    expect(report.status).toBe('warn');
    expect(report.checks['redis:responseTime']?.[0]).toMatchObject({
      observedValue: 7,
      output: 'unexpected PING reply "HELLO"',
    });
  });

  it('names the offending field', () => {
    const client = { ping: async () => 'PONG' };
    const bad: [unknown, unknown, string][] = [
      [client, { name: '' }, 'name'],
      [client, { componentId: 3 }, 'componentId'],
      [client, { clock: 'now' }, 'clock'],
      [client, { cacheMs: -1 }, 'cacheMs'],
      [client, { host: 'x' }, 'options.host'],
      [{}, {}, 'redis'],
    ];
    for (const [redis, options, field] of bad) {
      let caught: unknown;
      try {
        redisHealthCheck(redis as never, options as never);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidOptionError(caught) && caught.field).toBe(field);
    }
    // @ts-expect-error a URL is not a client
    expect(() => redisHealthCheck('redis://127.0.0.1')).toThrow();
  });
});
