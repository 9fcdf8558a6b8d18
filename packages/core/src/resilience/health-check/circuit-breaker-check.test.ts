import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { isInvalidOptionError } from '../../errors/index.js';
import { circuitBreakerHealthCheck } from './circuit-breaker-check.js';
import { healthService } from './health-service.js';

describe('circuitBreakerHealthCheck', () => {
  it('maps closed to pass, half-open and open to their configured statuses', async () => {
    const breaker: { state: string } = { state: 'closed' };
    const health = healthService({
      clock: new VirtualClock(),
      checks: [circuitBreakerHealthCheck(breaker, { name: 'payments', componentId: 'psp' })],
    });
    const closed = await health.readiness();
    expect(closed.status).toBe('pass');
    expect(closed.checks['payments:state']?.[0]).toMatchObject({
      componentId: 'psp',
      componentType: 'component',
      observedValue: 'closed',
    });
    breaker.state = 'half-open';
    expect((await health.readiness()).status).toBe('warn');
    breaker.state = 'open';
    const open = await health.readiness();
    expect(open.status).toBe('warn');
    expect(open.output).toBe('payments:state: circuit open: calls are rejected');
    breaker.state = 'sideways';
    expect((await health.readiness()).output).toContain('unknown circuit state');
  });

  it('reads object states and can fail readiness when open', async () => {
    const breaker: { state: { kind: string } } = { state: { kind: 'isolated' } };
    const health = healthService({
      clock: new VirtualClock(),
      checks: [circuitBreakerHealthCheck(breaker, { openStatus: 'fail', halfOpenStatus: 'pass' })],
    });
    expect((await health.readiness()).status).toBe('fail');
    breaker.state = { kind: 'halfOpen' };
    expect((await health.readiness()).status).toBe('pass');
  });

  it('names bad options', () => {
    const bad: [unknown, unknown, string][] = [
      [{ state: 'closed' }, { openStatus: 'red' }, 'openStatus'],
      [{ state: 'closed' }, { halfOpenStatus: 1 }, 'halfOpenStatus'],
      [{ state: 'closed' }, { name: '' }, 'name'],
      [{ state: 'closed' }, { colour: 'x' }, 'options.colour'],
      [null, {}, 'breaker'],
      [undefined, {}, 'breaker'],
    ];
    for (const [breaker, options, field] of bad) {
      let caught: unknown;
      try {
        circuitBreakerHealthCheck(breaker as never, options as never);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidOptionError(caught) && caught.field).toBe(field);
    }
  });
});
