import { describe, expect, it } from 'vitest';
import { invalidOptionField } from '../../testing/index.js';
import type { HealthCheck } from './health-check.js';
import { DEFAULT_HEALTH_CHECK_OPTIONS, resolveHealthCheck, takeHealthCheckOptions } from './health-check.js';

const ok: HealthCheck = { name: 'db', check: () => undefined };

describe('resolveHealthCheck', () => {
  it('applies the documented defaults and builds the report key', () => {
    const plain = resolveHealthCheck('check', ok);
    expect(plain.key).toBe('db');
    expect(plain.timeoutMs).toBe(DEFAULT_HEALTH_CHECK_OPTIONS.timeoutMs);
    expect(plain.cacheMs).toBe(DEFAULT_HEALTH_CHECK_OPTIONS.cacheMs);
    expect(plain.critical).toBe(true);
    expect([...plain.probes]).toEqual(['readiness']);
    expect(plain.refreshMs).toBeUndefined();
    const measured = resolveHealthCheck('check', { ...ok, measurement: 'responseTime' });
    expect(measured.key).toBe('db:responseTime');
  });

  it('lets the check override service defaults', () => {
    const resolved = resolveHealthCheck('check', { ...ok, timeoutMs: 50 }, { timeoutMs: 200, cacheMs: 0 });
    expect(resolved.timeoutMs).toBe(50);
    expect(resolved.cacheMs).toBe(0);
  });

  it('names the offending field for every bad option', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ ...ok, name: '' }, 'check.name'],
      [{ ...ok, check: 'SELECT 1' }, 'check.check'],
      [{ name: 'db' }, 'check.check'],
      [{ ...ok, measurement: 5 }, 'check.measurement'],
      [{ ...ok, componentId: '' }, 'check.componentId'],
      [{ ...ok, componentType: 1 }, 'check.componentType'],
      [{ ...ok, observedUnit: false }, 'check.observedUnit'],
      [{ ...ok, timeoutMs: 0 }, 'check.timeoutMs'],
      [{ ...ok, timeoutMs: -1 }, 'check.timeoutMs'],
      [{ ...ok, critical: 'yes' }, 'check.critical'],
      [{ ...ok, probes: [] }, 'check.probes'],
      [{ ...ok, probes: 'liveness' }, 'check.probes'],
      [{ ...ok, probes: ['readiness', 'alive'] }, 'check.probes[1]'],
      [{ ...ok, cacheMs: Number.NaN }, 'check.cacheMs'],
      [{ ...ok, refreshMs: 0 }, 'check.refreshMs'],
      [{ ...ok, timeout: 10 }, 'check.timeout'],
    ];
    for (const [definition, field] of bad)
      expect(
        invalidOptionField(() => resolveHealthCheck('check', definition as unknown as HealthCheck)),
      ).toBe(field);
    expect(invalidOptionField(() => resolveHealthCheck('check', undefined as unknown as HealthCheck))).toBe(
      'check',
    );
    expect(invalidOptionField(() => resolveHealthCheck('check', null as unknown as HealthCheck))).toBe(
      'check',
    );
  });

  it('rejects unknown tuning keys for adapters', () => {
    expect(takeHealthCheckOptions({ host: 'h', cacheMs: 5, critical: undefined }, ['host'])).toEqual({
      cacheMs: 5,
    });
    expect(takeHealthCheckOptions(undefined, [])).toEqual({});
    expect(invalidOptionField(() => takeHealthCheckOptions({ cache: 5 }, ['host']))).toBe('options.cache');
    expect(invalidOptionField(() => takeHealthCheckOptions({ timeoutMs: -1 }, []))).toBe('timeoutMs');
    expect(invalidOptionField(() => takeHealthCheckOptions({ probes: ['x'] }, []))).toBe('probes[0]');
    expect(invalidOptionField(() => takeHealthCheckOptions(4 as never, []))).toBe('options');
  });

  it('rejects badly typed definitions at compile time', () => {
    // @ts-expect-error a check needs a function
    const noFunction: HealthCheck = { name: 'x' };
    // @ts-expect-error probes are probe kinds
    const badProbe: HealthCheck = { ...ok, probes: ['alive'] };
    expect(noFunction.name).toBe('x');
    expect(badProbe.name).toBe('db');
  });
});
