import { describe, expect, it } from 'vitest';
import { contextFrom } from '../../policy/index.js';
import { noopPolicy } from './noop.js';

describe('noopPolicy', () => {
  it('runs the function once with the given context', async () => {
    const context = contextFrom({ deadline: 42 });
    let runs = 0;
    await expect(
      noopPolicy.execute((ctx) => {
        runs++;
        return ctx;
      }, context),
    ).resolves.toBe(context);
    expect(runs).toBe(1);
  });

  it('turns a synchronous throw into a rejection and passes rejections through', async () => {
    const boom = new Error('boom');
    const thrown = noopPolicy.execute(() => {
      throw boom;
    });
    expect(thrown).toBeInstanceOf(Promise);
    await expect(thrown).rejects.toBe(boom);
    await expect(noopPolicy.execute(() => Promise.reject(boom))).rejects.toBe(boom);
  });

  it('cannot be modified', () => {
    expect(Object.isFrozen(noopPolicy)).toBe(true);
  });
});
