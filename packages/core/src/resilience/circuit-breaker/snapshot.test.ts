import { describe, expect, it } from 'vitest';
import { isInvalidOptionError } from '../../errors/index.js';
import { parseCircuitSnapshot } from './snapshot.js';

const valid = {
  version: 1,
  state: 'open',
  generation: 4,
  exportedAt: 1_000,
  openedAt: 900,
  until: 5_900,
  openings: 2,
  probeSuccesses: 0,
  breaker: { kind: 'consecutive', failures: 0 },
};

function fieldOf(value: unknown): string | undefined {
  try {
    parseCircuitSnapshot(value);
  } catch (error) {
    if (isInvalidOptionError(error)) return error.field;
    throw error;
  }
  return undefined;
}

describe('parseCircuitSnapshot', () => {
  it('accepts a well-formed snapshot and its JSON round trip', () => {
    expect(parseCircuitSnapshot(valid)).toEqual(valid);
    expect(parseCircuitSnapshot(JSON.parse(JSON.stringify(valid)))).toEqual(valid);
    expect(parseCircuitSnapshot({ ...valid, until: null }).until).toBeNull();
  });

  it.each([
    ['not an object', 'hydrate', 'x'],
    ['an array', 'hydrate', []],
    ['a wrong version', 'hydrate.version', { ...valid, version: 2 }],
    ['an unknown state', 'hydrate.state', { ...valid, state: 'broken' }],
    ['a negative generation', 'hydrate.generation', { ...valid, generation: -1 }],
    ['a fractional generation', 'hydrate.generation', { ...valid, generation: 1.5 }],
    ['a missing exportedAt', 'hydrate.exportedAt', { ...valid, exportedAt: undefined }],
    ['a missing openings', 'hydrate.openings', { ...valid, openings: 'two' }],
    ['zero openings while open', 'hydrate.openings', { ...valid, openings: 0 }],
    ['a bad probeSuccesses', 'hydrate.probeSuccesses', { ...valid, probeSuccesses: -3 }],
    ['an open state without openedAt', 'hydrate.openedAt', { ...valid, openedAt: null }],
    [
      'a closed state with openedAt',
      'hydrate.openedAt',
      { ...valid, state: 'closed', openedAt: 1, until: null },
    ],
    ['a closed state with until', 'hydrate.until', { ...valid, state: 'closed', openedAt: null, until: 5 }],
    ['a non-numeric until', 'hydrate.until', { ...valid, until: 'soon' }],
    ['a missing breaker', 'hydrate.breaker', { ...valid, breaker: undefined }],
    ['a breaker without kind', 'hydrate.breaker', { ...valid, breaker: { failures: 1 } }],
  ])('rejects %s naming %s', (_label, field, value) => {
    expect(fieldOf(value)).toBe(field);
  });

  it('prefixes fields with the given name', () => {
    expect(() => parseCircuitSnapshot({ version: 1 }, 'saved')).toThrow(/saved\.state/);
  });
});
