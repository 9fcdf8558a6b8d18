import { InvalidOptionError } from '@keel/core/errors';
import { describe, expect, it } from 'vitest';
import { WrongShardError } from '../sharding/errors.js';
import { isNoEndpointError, NoEndpointError } from './errors.js';

describe('NoEndpointError', () => {
  it('says why nothing could be picked and its guard accepts only it', () => {
    expect(new NoEndpointError(0, 0).message).toMatch(/empty/);
    const error = new NoEndpointError(3, 3);
    expect(error).toMatchObject({ name: 'NoEndpointError', code: 'KEEL_NO_ENDPOINT', total: 3, ejected: 3 });
    expect(isNoEndpointError(error)).toBe(true);
    expect(isNoEndpointError(new WrongShardError('k', 's', 1, 2))).toBe(false);
    expect(isNoEndpointError(new InvalidOptionError('x', 1, 'y'))).toBe(false);
    expect(isNoEndpointError(new Error('KEEL_NO_ENDPOINT'))).toBe(false);
  });
});
