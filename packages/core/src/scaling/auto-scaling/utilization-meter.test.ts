import { VirtualClock } from '@keel/core/clock';
import { isInvalidOptionError } from '@keel/core/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UtilizationMeter } from './utilization-meter.js';

describe('UtilizationMeter', () => {
  it('reports the busy share of capacity since the previous reading', () => {
    const clock = new VirtualClock();
    const meter = new UtilizationMeter({ capacity: 2, clock });
    meter.begin();
    clock.advance(500);
    meter.begin();
    clock.advance(500);
    // 1 slot for 500 ms + 2 slots for 500 ms = 1500 slot-ms over 2000.
    expect(meter.read()).toBe(75);
    meter.end();
    meter.end();
    meter.end(); // an extra end is ignored
    expect(meter.inUse).toBe(0);
    clock.advance(1_000);
    expect(meter.read()).toBe(0);
    meter.begin();
    expect(meter.read()).toBe(50); // empty window: the share in use now
  });

  it('never reports outside [0, 100] however work starts and ends', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(
          fc.record({ op: fc.constantFrom('begin', 'end', 'read'), delay: fc.integer({ min: 0, max: 100 }) }),
        ),
        (capacity, ops) => {
          const clock = new VirtualClock();
          const meter = new UtilizationMeter({ capacity, clock });
          for (const { op, delay } of ops) {
            clock.advance(delay);
            if (op === 'begin' && meter.inUse < capacity) meter.begin();
            else if (op === 'end') meter.end();
            else {
              const value = meter.read();
              expect(value).toBeGreaterThanOrEqual(0);
              expect(value).toBeLessThanOrEqual(100);
            }
          }
        },
      ),
    );
  });

  it('rejects bad options', () => {
    for (const [field, options] of [
      ['capacity', { capacity: 0 }],
      ['clock', { clock: 1 }],
      ['UtilizationMeter.window', { window: 1 }],
    ] as const) {
      let error: unknown;
      try {
        new UtilizationMeter(options as never);
      } catch (e) {
        error = e;
      }
      expect(isInvalidOptionError(error) && error.field).toBe(field);
    }
  });
});
