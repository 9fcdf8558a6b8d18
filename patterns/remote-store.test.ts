import { isTimeoutError } from '@keel/core/errors';
import { constant, World } from '@keel/sim';
import { describe, expect, it } from 'vitest';
import { serveStore, storeCaller } from './remote-store.js';

type Request = { readonly op: 'get'; readonly key: string } | { readonly op: 'fail' };

function world(): World {
  const w = new World({ seed: 1, defaultLink: { latency: constant(5) } });
  const values = new Map([['a', 1]]);
  serveStore(w, 'store', async (request: Request) => {
    if (request.op === 'fail') throw new Error('store refused');
    return values.get(request.key);
  });
  return w;
}

describe('remote store', () => {
  it('answers a call with what the store resolved, after a round trip', async () => {
    const w = world();
    const call = storeCaller<Request>(w, 'client', 'store', w.clock, 250);
    let settledAt = Number.NaN;
    const value = call<number>({ op: 'get', key: 'a' }).finally(() => {
      settledAt = w.clock.now();
    });
    await w.run(100);
    expect(await value).toBe(1);
    expect(settledAt).toBe(10);
    const missing = call<number | undefined>({ op: 'get', key: 'b' });
    await w.run(100);
    expect(await missing).toBeUndefined();
  });

  it('rejects a call with the error the store rejected with', async () => {
    const w = world();
    const call = storeCaller<Request>(w, 'client', 'store', w.clock, 250);
    const failed = call({ op: 'fail' }).catch((error: unknown) => error);
    await w.run(100);
    expect(await failed).toMatchObject({ message: 'store refused' });
  });

  it('fails a call with no answer after the timeout', async () => {
    const w = world();
    const call = storeCaller<Request>(w, 'client', 'store', w.clock, 250);
    w.network.isolate('client');
    const lost = call({ op: 'get', key: 'a' }).catch((error: unknown) => error);
    await w.run(1_000);
    expect(isTimeoutError(await lost)).toBe(true);
  });
});
