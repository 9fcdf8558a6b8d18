import { VirtualClock } from '@keel/core/clock';
import { isInvalidOptionError } from '@keel/core/errors';
import { healthService } from '@keel/core/health-check';
import { probeService } from '@keel/core/testing';
import { Etcd3, type IStatusResponse } from 'etcd3';
import { afterAll, describe, expect, it } from 'vitest';
import { etcdHealthCheck } from './health-check.js';

const hosts = '127.0.0.1:2379';

const service = await probeService('etcd', async () => {
  const probe = new Etcd3({ hosts, dialTimeout: 2_000 });
  try {
    await probe.maintenance.status();
  } finally {
    probe.close();
  }
});

describe.skipIf(!service.available)('etcdHealthCheck against a live etcd', () => {
  const client = new Etcd3({ hosts });
  const closed = new Etcd3({ hosts });
  const unreachable = new Etcd3({ hosts: '127.0.0.1:1', dialTimeout: 200 });

  afterAll(() => {
    client.close();
    unreachable.close();
  });

  it('passes with latency, leader, version and database size', async () => {
    const report = await healthService({ checks: [etcdHealthCheck(client)] }).readiness();
    expect(report.status).toBe('pass');
    const [entry] = report.checks['etcd:responseTime'] ?? [];
    expect(entry).toMatchObject({ componentType: 'datastore', observedUnit: 'ms', status: 'pass' });
    expect(entry?.componentId).toMatch(/^\d+$/);
    expect(entry?.observedValue as number).toBeGreaterThanOrEqual(0);
    expect(report.checks['etcd:leader']?.[0]?.observedValue).toMatch(/^[1-9]\d*$/);
    expect(report.checks['etcd:version']?.[0]?.observedValue).toMatch(/^3\.\d+\.\d+/);
    expect(report.checks['etcd:dbSize']?.[0]).toMatchObject({ observedUnit: 'bytes', status: 'pass' });
    expect(report.checks['etcd:dbSize']?.[0]?.observedValue as number).toBeGreaterThan(0);
  });

  it('warns when the database passes the configured size', async () => {
    const report = await healthService({
      checks: [etcdHealthCheck(client, { componentId: 'cluster-a', maxDbSizeBytes: 1 })],
    }).readiness();
    expect(report.status).toBe('warn');
    expect(report.checks['etcd:responseTime']?.[0]?.componentId).toBe('cluster-a');
    expect(report.output).toBe('etcd:dbSize: database larger than 1 bytes');
  });

  it('fails for a closed client', async () => {
    closed.close();
    const report = await healthService({ checks: [etcdHealthCheck(closed)] }).readiness();
    expect(report.status).toBe('fail');
    expect(report.checks['etcd:responseTime']?.[0]?.output).toMatch(/closed/i);
  });

  it('fails within its time limit when nothing listens', async () => {
    // etcd3 retries unavailable hosts on its own, so the check's limit is what ends the wait.
    const report = await healthService({
      checks: [etcdHealthCheck(unreachable, { timeoutMs: 300 })],
    }).readiness();
    expect(report.status).toBe('fail');
    expect(report.checks['etcd:responseTime']?.[0]?.output).toMatch(/TimeoutError|UNAVAILABLE|connect/);
  });
});

describe('etcdHealthCheck without a server', () => {
  const status = (overrides: Partial<IStatusResponse>): IStatusResponse =>
    ({
      header: { member_id: '42' },
      version: '3.4.0',
      dbSize: '20480',
      leader: '42',
      errors: [],
      ...overrides,
    }) as unknown as IStatusResponse;

  it('fails without a leader or with alarms', async () => {
    const clock = new VirtualClock();
    const leaderless = { maintenance: { status: async () => status({ leader: '0' }) } };
    const alarmed = {
      maintenance: { status: async () => status({ errors: ['memberID:42 alarm:NOSPACE'] }) },
    };
    const first = await healthService({
      clock,
      checks: [etcdHealthCheck(leaderless, { clock })],
    }).readiness();
    expect(first).toMatchObject({ status: 'fail', output: 'etcd:responseTime: no leader elected' });
    const second = await healthService({ clock, checks: [etcdHealthCheck(alarmed, { clock })] }).readiness();
    expect(second.output).toBe('etcd:responseTime: alarms: memberID:42 alarm:NOSPACE');
  });

  it('names the offending field', () => {
    const client = { maintenance: { status: async () => status({}) } };
    const bad: [unknown, unknown, string][] = [
      [client, { name: '' }, 'name'],
      [client, { componentId: 0 }, 'componentId'],
      [client, { clock: [] }, 'clock'],
      [client, { maxDbSizeBytes: 0 }, 'maxDbSizeBytes'],
      [client, { critical: 1 }, 'critical'],
      [client, { hosts: 'x' }, 'options.hosts'],
      [{ maintenance: {} }, {}, 'client'],
      [undefined, {}, 'client'],
    ];
    for (const [c, options, field] of bad) {
      let caught: unknown;
      try {
        etcdHealthCheck(c as never, options as never);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidOptionError(caught) && caught.field).toBe(field);
    }
  });
});
