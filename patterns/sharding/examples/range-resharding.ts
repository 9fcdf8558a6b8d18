/**
 * Range sharding with versioned shard maps, in memory. A hot range is split, then half of it is
 * moved to a new shard. A client router holding the old map is refused with WrongShardError by
 * the shard, reloads the map and retries; a split alone does not disturb it.
 */
import {
  isWrongShardError,
  planRangeMoves,
  RangeShardMap,
  ShardMapAuthority,
  ShardRouter,
} from '@keel/core/sharding';

export async function main() {
  // Users [a, n) on shard-1, [n, ...) on shard-2.
  const authority = new ShardMapAuthority(RangeShardMap.fromSplits(['n'], ['shard-1', 'shard-2']));
  const stores = new Map([
    ['shard-1', new Map<string, string>()],
    ['shard-2', new Map<string, string>()],
    ['shard-3', new Map<string, string>()],
  ]);
  // A shard checks the route before it writes, so a refused write has no effect.
  const write = (key: string, value: string) => (route: { shard: string; epoch: number }) => {
    authority.validate(key, route.shard, route.epoch);
    stores.get(route.shard)!.set(key, value);
    return route.shard;
  };
  const refused: string[] = [];
  const router = new ShardRouter(authority.current, () => authority.current);
  router.refreshed(({ from, to }) => refused.push(`refreshed ${from} -> ${to}`));

  await router.execute('sam', write('sam', 'v1'));
  const before = authority.current;

  // Split shard-2's range at "s": nothing moves, old routers stay valid.
  authority.publish(authority.current.split('s'));
  const afterSplit = await router.execute('sam', write('sam', 'v2'));

  // Move [s, ...) to shard-3: copy, then publish. The router's map is now stale for "sam".
  stores.get('shard-3')!.set('sam', stores.get('shard-2')!.get('sam')!);
  stores.get('shard-2')!.delete('sam');
  authority.publish(authority.current.reassign('s', 'shard-3'));
  const afterMove = await router.execute('sam', write('sam', 'v3'));

  // A router that may not refresh just sees the error.
  const frozen = new ShardRouter(before, () => before, { maxRefreshes: 0 });
  const error = await frozen.execute('sam', write('sam', 'v4')).catch((e: unknown) => e);

  const plan = planRangeMoves(before, authority.current);
  console.log(`epoch ${authority.current.epoch}; ${refused.join(', ')}; plan ${JSON.stringify(plan)}`);
  return {
    afterSplit,
    afterMove,
    value: stores.get('shard-3')!.get('sam'),
    refused,
    frozenError: isWrongShardError(error)
      ? { routedEpoch: error.routedEpoch, currentEpoch: error.currentEpoch }
      : error,
    plan,
  };
}
