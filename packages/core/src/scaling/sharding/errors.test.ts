import { InvalidOptionError, TimeoutError } from '@keel/core/errors';
import { describe, expect, it } from 'vitest';
import { isShardMapChangeError, isWrongShardError, ShardMapChangeError, WrongShardError } from './errors.js';

describe('sharding errors', () => {
  it('WrongShardError carries both epochs and its guard accepts only it', () => {
    const error = new WrongShardError('user:1', 's1', 3, 5);
    expect(error).toMatchObject({
      name: 'WrongShardError',
      code: 'KEEL_WRONG_SHARD',
      routedEpoch: 3,
      currentEpoch: 5,
    });
    expect(error.message).toContain('epoch 3');
    expect(isWrongShardError(error)).toBe(true);
    expect(isWrongShardError(new ShardMapChangeError('split', 'x'))).toBe(false);
    expect(isWrongShardError(new TimeoutError(1))).toBe(false);
    expect(isWrongShardError(new Error('KEEL_WRONG_SHARD'))).toBe(false);
  });

  it('ShardMapChangeError names the operation and its guard accepts only it', () => {
    const error = new ShardMapChangeError('merge', 'different owners');
    expect(error).toMatchObject({
      name: 'ShardMapChangeError',
      code: 'KEEL_SHARD_MAP_CHANGE',
      operation: 'merge',
    });
    expect(isShardMapChangeError(error)).toBe(true);
    expect(isShardMapChangeError(new WrongShardError('k', 's', 1, 2))).toBe(false);
    expect(isShardMapChangeError(new InvalidOptionError('x', 1, 'y'))).toBe(false);
    expect(isShardMapChangeError(new Error('boom'))).toBe(false);
  });
});
