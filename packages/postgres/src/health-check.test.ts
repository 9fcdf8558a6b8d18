import { VirtualClock } from '@keel/core/clock';
import { isInvalidOptionError } from '@keel/core/errors';
import { healthService } from '@keel/core/health-check';
import { probeService } from '@keel/core/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresHealthCheck } from './health-check.js';

const config = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

const service = await probeService('postgres', async () => {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    await client.query('SELECT 1');
  } finally {
    await client.end();
  }
});

describe.skipIf(!service.available)('postgresHealthCheck against a live PostgreSQL', () => {
  const pool = new pg.Pool({ ...config, max: 2 });
  const client = new pg.Client(config);
  const unreachable = new pg.Pool({
    host: '127.0.0.1',
    port: 1,
    user: 'postgres',
    connectionTimeoutMillis: 1_000,
  });
  const closed = new pg.Client(config);

  afterAll(async () => {
    await Promise.allSettled([pool.end(), client.end(), unreachable.end()]);
  });

  it('passes with the round trip as observed value and the pool counts', async () => {
    const health = healthService({ checks: [postgresHealthCheck(pool, { componentId: 'test-db' })] });
    const report = await health.readiness();
    expect(report.status).toBe('pass');
    const [entry] = report.checks['postgres:responseTime'] ?? [];
    expect(entry).toMatchObject({ componentId: 'test-db', componentType: 'datastore', observedUnit: 'ms' });
    expect(typeof entry?.observedValue).toBe('number');
    expect(entry?.observedValue as number).toBeGreaterThanOrEqual(0);
    expect(report.checks['postgres:connections']?.[0]?.observedValue).toBeGreaterThanOrEqual(1);
    expect(report.checks['postgres:waiting']?.[0]).toMatchObject({ observedValue: 0, status: 'pass' });
    // Dependency checks stay out of liveness.
    expect((await health.liveness()).checks).toEqual({});
  });

  it('reports the server role and passes expectPrimary on a primary', async () => {
    await client.connect();
    const health = healthService({
      checks: [
        postgresHealthCheck(client, { name: 'writer', expectPrimary: true, maxReplicationLagMs: 10_000 }),
      ],
    });
    const report = await health.readiness();
    expect(report.status).toBe('pass');
    expect(report.checks['writer:role']?.[0]?.observedValue).toBe('primary');
    expect(report.checks['writer:replicationLag']).toBeUndefined();
    // A plain Client has no pool counts.
    expect(report.checks['writer:connections']).toBeUndefined();
  });

  it('fails with the connection error when nothing listens', async () => {
    const health = healthService({ checks: [postgresHealthCheck(unreachable, { timeoutMs: 5_000 })] });
    const report = await health.readiness();
    expect(report.status).toBe('fail');
    expect(report.checks['postgres:responseTime']?.[0]?.output).toMatch(/ECONNREFUSED|connect/i);
  });

  it('fails for a client that was never connected or is closed', async () => {
    const health = healthService({ checks: [postgresHealthCheck(closed)] });
    await closed.connect();
    await closed.end();
    const report = await health.readiness();
    expect(report.status).toBe('fail');
    expect(report.checks['postgres:responseTime']?.[0]?.output).toMatch(/not queryable|closed|ended/i);
  });

  it('fails with a TimeoutError when the server does not answer in time', async () => {
    const health = healthService({
      checks: [postgresHealthCheck(pool, { query: 'SELECT pg_sleep(1)', timeoutMs: 150 })],
    });
    const report = await health.readiness();
    expect(report.status).toBe('fail');
    expect(report.checks['postgres:responseTime']?.[0]?.output).toMatch(/^TimeoutError: .*150 ms/);
  });

  it('is non-critical on request: a failure only warns', async () => {
    const health = healthService({
      checks: [postgresHealthCheck(unreachable, { name: 'reporting', critical: false })],
    });
    expect((await health.readiness()).status).toBe('warn');
  });
});

describe('postgresHealthCheck options', () => {
  const fake = { query: async () => ({ rows: [{ in_recovery: true, lag_ms: 2_500 }] }) };

  it('reports a lagging replica, and fails it when a primary is expected', async () => {
    const clock = new VirtualClock();
    const replica = await healthService({
      clock,
      checks: [postgresHealthCheck(fake, { clock, replication: true, maxReplicationLagMs: 1_000 })],
    }).readiness();
    expect(replica.status).toBe('warn');
    expect(replica.checks['postgres:role']?.[0]?.observedValue).toBe('replica');
    expect(replica.checks['postgres:replicationLag']?.[0]).toMatchObject({
      observedValue: 2_500,
      status: 'warn',
    });
    const writer = await healthService({
      clock,
      checks: [postgresHealthCheck(fake, { clock, expectPrimary: true })],
    }).readiness();
    expect(writer.status).toBe('fail');
    expect(writer.output).toContain('read-only replica');
  });

  it('names the offending field', () => {
    const bad: [unknown, unknown, string][] = [
      [fake, { name: '' }, 'name'],
      [fake, { query: 1 }, 'query'],
      [fake, { replication: 'yes' }, 'replication'],
      [fake, { expectPrimary: 1 }, 'expectPrimary'],
      [fake, { maxReplicationLagMs: -1 }, 'maxReplicationLagMs'],
      [fake, { timeoutMs: 0 }, 'timeoutMs'],
      [fake, { clock: 3 }, 'clock'],
      [fake, { componentId: '' }, 'componentId'],
      [fake, { sql: 'SELECT 1' }, 'options.sql'],
      [{}, {}, 'poolOrClient'],
      [undefined, {}, 'poolOrClient'],
    ];
    for (const [client, options, field] of bad) {
      let caught: unknown;
      try {
        postgresHealthCheck(client as never, options as never);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidOptionError(caught) && caught.field).toBe(field);
    }
  });

  it('accepts pg pools and clients by type', () => {
    const accepts = (_: Parameters<typeof postgresHealthCheck>[0]) => true;
    expect(accepts(new pg.Pool({ max: 1 }))).toBe(true);
    // @ts-expect-error a string is not a client
    expect(() => postgresHealthCheck('postgres://')).toThrow();
  });
});
