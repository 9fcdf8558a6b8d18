import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.js';
import type { HealthCheck } from './health-check.js';
import { healthService } from './health-service.js';
import type { HealthStatus } from './types.js';
import { httpStatusFor } from './types.js';

const outcome = fc.record({
  result: fc.constantFrom<'pass' | 'warn' | 'fail' | 'throw'>('pass', 'warn', 'fail', 'throw'),
  critical: fc.boolean(),
});

describe('aggregation invariants', () => {
  it('overall status is the worst effect: critical failures fail, others at most warn', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(outcome, { maxLength: 8 }), async (outcomes) => {
        const checks: HealthCheck[] = outcomes.map(({ result, critical }, i) => ({
          name: `c${i}`,
          critical,
          check: () => {
            if (result === 'throw') throw new Error('boom');
            return { status: result };
          },
        }));
        const report = await healthService({ clock: new VirtualClock(), checks }).readiness();
        const failing = outcomes.some((o) => o.critical && (o.result === 'fail' || o.result === 'throw'));
        const degraded = outcomes.some((o) => o.result !== 'pass');
        const expected: HealthStatus = failing ? 'fail' : degraded ? 'warn' : 'pass';
        expect(report.status).toBe(expected);
        expect(httpStatusFor(report)).toBe(failing ? 503 : 200);
        expect(Object.keys(report.checks)).toHaveLength(outcomes.length);
        expect(report.output === undefined).toBe(!degraded);
      }),
    );
  });
});
