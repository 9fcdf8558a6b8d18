import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import { elapsedMs, responseTimeCheck } from './response-time-check.js';

describe('responseTimeCheck', () => {
  const check = async () => ({ observedValue: 1 });

  it('reports the round trip in milliseconds under <name>:responseTime, with the tuning', () => {
    const made = responseTimeCheck({
      tuning: { timeoutMs: 300, critical: false },
      name: 'cache',
      componentType: 'datastore',
      componentId: 'sessions',
      check,
    });
    expect(made).toEqual({
      timeoutMs: 300,
      critical: false,
      name: 'cache',
      measurement: 'responseTime',
      componentType: 'datastore',
      observedUnit: 'ms',
      componentId: 'sessions',
      check,
    });
  });

  it('leaves componentId out when it is not given', () => {
    const made = responseTimeCheck({ tuning: {}, name: 'broker', componentType: 'component', check });
    expect('componentId' in made).toBe(false);
  });
});

describe('elapsedMs', () => {
  it('rounds the time since the start to the microsecond', () => {
    const clock = new VirtualClock(100);
    clock.advance(12.3456);
    expect(elapsedMs(clock, 100)).toBe(12.346);
    expect(elapsedMs(clock, 112.3456)).toBe(0);
  });
});
