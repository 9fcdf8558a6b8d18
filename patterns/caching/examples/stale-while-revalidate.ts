/**
 * A read-through cache in front of a slow pricing service (200 ms per call). A burst of 50
 * concurrent requests for one product makes one call (coalescing). Once the price is stale,
 * readers get the old price at once while a single background call refreshes it
 * (stale-while-revalidate). XFetch refreshes hot keys a little before they expire, at a time
 * that depends on how slow the last load was, so that expiry does not turn into a stampede.
 */
import { LoadingCache } from '@keel/core/caching';
import { VirtualClock } from '@keel/core/clock';
import { seededRandom } from '@keel/core/random';
import { sleep } from '@keel/core/signal';

export async function main() {
  const clock = new VirtualClock();
  let calls = 0;
  let price = 100;
  const prices = new LoadingCache<string, number>(
    async (_sku, { signal }) => {
      calls++;
      await sleep(clock, 200, signal);
      return price;
    },
    {
      ttl: 10_000,
      ttlJitter: 0,
      staleWhileRevalidate: 5_000,
      earlyRefreshBeta: 1,
      clock,
      random: seededRandom(3),
    },
  );

  // 1. A burst of concurrent misses: one call to the service.
  const burst = Array.from({ length: 50 }, () => prices.get('sku-1'));
  await clock.advanceAsync(200);
  const burstPrices = new Set(await Promise.all(burst));
  const callsAfterBurst = calls;

  // 2. The price changes at the source; 11 s later the cached one is stale but still served.
  price = 120;
  await clock.advanceAsync(11_000);
  const staleRead = await prices.read('sku-1');
  const inBackground = calls - callsAfterBurst;
  await clock.advanceAsync(200);
  const refreshedRead = await prices.read('sku-1');

  // 3. Steady traffic (a read every 10 ms): XFetch refreshes before expiry, nobody waits.
  const outcomes = { fresh: 0, stale: 0, loaded: 0 };
  const callsBefore = calls;
  for (let i = 0; i < 3_000; i++) {
    outcomes[(await prices.read('sku-1')).outcome]++;
    await clock.advanceAsync(10);
  }
  console.log({ burstPrices, callsAfterBurst, staleRead, refreshedRead, outcomes });
  return {
    burstPrices: [...burstPrices],
    callsAfterBurst,
    staleRead,
    inBackground,
    refreshedRead,
    steady: { outcomes, calls: calls - callsBefore },
  };
}
