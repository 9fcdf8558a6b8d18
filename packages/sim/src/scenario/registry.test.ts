import { describe, expect, it } from 'vitest';
import { isUnknownScenarioError, UnknownScenarioError } from '../errors.js';
import { getScenario, registerScenario, ScenarioRegistry } from './registry.js';
import { defineScenario } from './scenario.js';

const demo = defineScenario({
  id: 'demo-errors',
  name: 'Demo',
  description: 'Never run here.',
  knobs: {},
  defaultDurationMs: 1_000,
  run: () => Promise.reject(new Error('not run in these tests')),
});

describe('scenario registry', () => {
  it('registers, lists sorted and finds scenarios', () => {
    const registry = new ScenarioRegistry();
    registry.register(demo);
    registry.register(demo); // the same object again is fine
    registry.register({ ...demo, id: 'another' });
    expect(registry.ids()).toEqual(['another', 'demo-errors']);
    expect(registry.get('demo-errors')).toBe(demo);
    expect(registry.has('nope')).toBe(false);
    expect(() => registry.register({ ...demo })).toThrow(/scenario\.id/);
    expect(() => registry.register({ ...demo, id: 'Bad Id' })).toThrow(/scenario\.id/);
    try {
      registry.get('nope');
      expect.unreachable();
    } catch (error) {
      expect(isUnknownScenarioError(error)).toBe(true);
      expect((error as UnknownScenarioError).known).toEqual(['another', 'demo-errors']);
    }
  });

  it('the default registry works through the functions', () => {
    registerScenario(demo);
    expect(getScenario('demo-errors')).toBe(demo);
    expect(() => getScenario('missing')).toThrow(UnknownScenarioError);
    expect(isUnknownScenarioError(new Error('x'))).toBe(false);
  });
});
