/**
 * An in-process cache bounded by memory rather than entry count: each value is measured by
 * `sizeOf`, the total stays under `maxSize`, and W-TinyLFU decides who stays. A one-off scan of
 * cold pages passes through without flushing the pages read every few requests, which an LRU
 * cache would lose. Entries expire after their TTL on the injected clock, jittered so that pages
 * cached together do not all expire together.
 */
import { Cache, lru, wTinyLfu } from '@keel/core/caching';
import { VirtualClock } from '@keel/core/clock';
import { seededRandom } from '@keel/core/random';

function renderPage(path: string): string {
  return `<html>${path}</html>`.padEnd(1_000, ' ');
}

function serve(policy: 'w-tinylfu' | 'lru') {
  const clock = new VirtualClock();
  const pages = new Cache<string, string>({
    maxSize: 50_000, // about 50 rendered pages of 1 kB
    sizeOf: (html) => html.length,
    policy: policy === 'lru' ? lru() : wTinyLfu(),
    ttl: 60_000,
    ttlJitter: 0.2,
    clock,
    random: seededRandom(1),
  });
  const popular = Array.from({ length: 20 }, (_, i) => `/product/${i}`);
  const read = (path: string) => pages.get(path) ?? pages.set(path, renderPage(path)).peek(path);
  // Popular pages are read in rounds; between two rounds a crawler walks 60 cold pages.
  for (let round = 0; round < 20; round++) {
    for (const path of popular) read(path);
    for (let i = 0; i < 60; i++) read(`/archive/${round}/${i}`);
    clock.advance(1_000);
  }
  const stats = pages.stats();
  const popularHits = popular.filter((path) => pages.has(path)).length;
  clock.advance(60_000);
  return { stats, popularStillCached: popularHits, afterTtl: pages.keys().length };
}

export async function main() {
  const tinyLfu = serve('w-tinylfu');
  const recency = serve('lru');
  console.log(
    `W-TinyLFU: hit ratio ${(100 * tinyLfu.stats.hitRatio).toFixed(1)}%, ${tinyLfu.stats.admissionRejections} cold pages refused`,
  );
  console.log(`LRU:       hit ratio ${(100 * recency.stats.hitRatio).toFixed(1)}%`);
  return { tinyLfu, recency };
}
