import { InvalidOptionError } from '@keel/core/errors';
import { describe, expect, it } from 'vitest';
import {
  isServiceError,
  isSimulatorBusyError,
  isUnknownScenarioError,
  ServiceError,
  SimulatorBusyError,
  UnknownScenarioError,
} from './errors.js';

const samples = {
  service: new ServiceError('api', 'overloaded'),
  busy: new SimulatorBusyError(),
  unknown: new UnknownScenarioError('x', ['a']),
  invalid: new InvalidOptionError('f', 1, 'two'),
  plain: new Error('plain'),
};

describe('sim errors', () => {
  it.each([
    ['service', isServiceError],
    ['busy', isSimulatorBusyError],
    ['unknown', isUnknownScenarioError],
  ] as const)('%s guard accepts its own error and rejects the others', (own, guard) => {
    for (const [name, error] of Object.entries(samples)) expect(guard(error)).toBe(name === own);
  });

  it('carry their context and a stable code', () => {
    expect(samples.service).toMatchObject({ name: 'ServiceError', service: 'api', reason: 'overloaded' });
    expect(samples.service.code).toBe('KEEL_SIM_SERVICE_ERROR');
    expect(samples.busy.code).toBe('KEEL_SIM_BUSY');
    expect(samples.unknown).toMatchObject({ id: 'x', known: ['a'], code: 'KEEL_SIM_UNKNOWN_SCENARIO' });
    expect(samples.unknown.message).toContain('registered: a');
  });
});
