import { isInvalidOptionError } from '@keel/core/errors';
import { describe, expect, it } from 'vitest';
import { isShardMapChangeError, isWrongShardError } from './errors.js';
import { RangeShardMap } from './range-map.js';
import { ShardMapAuthority, ShardRouter } from './shard-router.js';

function cluster() {
  const authority = new ShardMapAuthority(RangeShardMap.fromSplits(['m'], ['s0', 's1']));
  const stores = new Map<string, Map<string, number>>([
    ['s0', new Map()],
    ['s1', new Map()],
    ['s2', new Map()],
  ]);
  let fetches = 0;
  const fetchMap = async () => {
    fetches++;
    await Promise.resolve();
    return authority.current;
  };
  const put = (key: string, value: number) => (route: { shard: string; epoch: number }) => {
    authority.validate(key, route.shard, route.epoch);
    stores.get(route.shard)!.set(key, value);
    return route.shard;
  };
  return { authority, stores, fetchMap, put, fetches: () => fetches };
}

describe('ShardRouter', () => {
  it('routes with its map, refreshes once on WrongShard and retries on the new owner', async () => {
    const { authority, stores, fetchMap, put, fetches } = cluster();
    const router = new ShardRouter(authority.current, fetchMap);
    const refreshed: unknown[] = [];
    router.refreshed((event) => refreshed.push(event));
    expect(await router.execute('zebra', put('zebra', 1))).toBe('s1');

    authority.publish(authority.current.split('t').reassign('t', 's2'));
    const results = await Promise.all([
      router.execute('zebra', put('zebra', 2)),
      router.execute('tiger', put('tiger', 3)),
    ]);
    expect(results).toEqual(['s2', 's2']);
    expect(fetches()).toBe(1); // concurrent callers shared one fetch
    expect(refreshed).toEqual([{ from: 1, to: 3 }]);
    expect(stores.get('s2')!.get('zebra')).toBe(2);
    expect(router.route('apple')).toEqual({ shard: 's0', epoch: 3 });
  });

  it('gives up after maxRefreshes and passes other errors through', async () => {
    const { authority, put } = cluster();
    const stale = authority.current;
    authority.publish(authority.current.split('t').reassign('t', 's2'));
    const router = new ShardRouter(stale, () => stale, { maxRefreshes: 2 });
    let attempts = 0;
    const error = await router
      .execute('zebra', (route) => {
        attempts++;
        return put('zebra', 1)(route);
      })
      .catch((e: unknown) => e);
    expect(isWrongShardError(error)).toBe(true);
    expect(attempts).toBe(3);
    await expect(
      router.execute('a', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });

  it('never goes back to an older map', async () => {
    const { authority } = cluster();
    const newer = authority.current.split('x');
    const router = new ShardRouter(newer, () => authority.current);
    expect((await router.refresh()).epoch).toBe(2);
  });

  it('validates options', () => {
    const map = RangeShardMap.single('s0');
    expect(
      isInvalidOptionError(catchError(() => new ShardRouter(map, () => map, { maxRefreshes: -1 }))),
    ).toBe(true);
    expect(
      isInvalidOptionError(catchError(() => new ShardRouter(map, () => map, { retries: 1 } as never))),
    ).toBe(true);
    expect(isInvalidOptionError(catchError(() => new ShardRouter(map, 5 as never)))).toBe(true);
  });
});

describe('ShardMapAuthority', () => {
  it('publishes only newer epochs and emits each change', () => {
    const authority = new ShardMapAuthority(RangeShardMap.single('s0'));
    const seen: number[] = [];
    authority.published(({ current }) => seen.push(current.epoch));
    authority.publish(authority.current.split('m'));
    expect(isShardMapChangeError(catchError(() => authority.publish(RangeShardMap.single('s1', 2))))).toBe(
      true,
    );
    expect(seen).toEqual([2]);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
