/**
 * Session affinity with consistent hashing. The same user always reaches the same replica, and
 * when a replica leaves only its own users move. With bounded loads (factor 1.25), a burst of
 * calls for one hot key spills over to the next replicas on the ring instead of piling onto one.
 */
import { EndpointSet, loadBalancer, ringHash } from '@keel/core/load-balancing';

export async function main() {
  const replicas = new EndpointSet(['r0', 'r1', 'r2', 'r3', 'r4'].map((id) => ({ id })));
  const sticky = loadBalancer(replicas, ringHash());
  const users = Array.from({ length: 1000 }, (_, i) => `user-${i}`);
  const placeAll = () =>
    new Map(
      users.map((user) => {
        const endpoint = sticky.pick(user);
        sticky.release(endpoint);
        return [user, endpoint.id];
      }),
    );
  const before = placeAll();
  const again = placeAll();
  replicas.remove('r2');
  const after = placeAll();
  const moved = users.filter((u) => before.get(u) !== after.get(u));

  const bounded = loadBalancer(
    new EndpointSet(['r0', 'r1', 'r2', 'r3', 'r4'].map((id) => ({ id }))),
    ringHash({ balanceFactor: 1.25 }),
  );
  const hot = Array.from({ length: 20 }, () => bounded.pick('user-hot').id); // none released yet
  const hotSpread = Object.fromEntries(bounded.stats().map((s) => [s.id, s.outstanding]));

  console.log(
    `${moved.length} of ${users.length} users moved when r2 left; hot key spread: ${JSON.stringify(hotSpread)}`,
  );
  return {
    stable: users.every((u) => before.get(u) === again.get(u)),
    moved: moved.length,
    movedWereOnR2: moved.every((u) => before.get(u) === 'r2'),
    onR2Before: users.filter((u) => before.get(u) === 'r2').length,
    hotSpread,
    hotFirst: hot[0],
  };
}
