import { isInvalidOptionError } from '@keel/core/errors';
import { describe, expect, it } from 'vitest';
import { resolveKnobs } from './knobs.js';

const knobs = {
  rps: { type: 'number', label: 'Load', default: 100, min: 1, max: 1_000, unit: 'req/s' },
  jitter: { type: 'boolean', label: 'Jitter', default: true },
  mode: { type: 'choice', label: 'Mode', options: ['fast', 'slow'], default: 'fast' },
} as const;

describe('knobs', () => {
  it('fill defaults and keep given values', () => {
    const v = resolveKnobs(knobs, { rps: 5 });
    expect(v).toEqual({ rps: 5, jitter: true, mode: 'fast' });
  });

  it('reject unknown names, wrong types and out-of-range values naming the knob', () => {
    for (const [given, field] of [
      [{ rps: 0 }, 'knobs.rps'],
      [{ rps: '5' }, 'knobs.rps'],
      [{ jitter: 1 }, 'knobs.jitter'],
      [{ mode: 'medium' }, 'knobs.mode'],
      [{ other: 1 }, 'knobs.other'],
    ] as const) {
      try {
        resolveKnobs(knobs, given);
        expect.unreachable(field);
      } catch (error) {
        expect(isInvalidOptionError(error) && error.field).toBe(field);
      }
    }
  });
});
