import { Cache, LoadingCache, lru, type Trace, wTinyLfu, zipfTrace } from '@keel/core/caching';
import type { Random } from '@keel/core/random';
import {
  constant,
  constantRate,
  defineScenario,
  lognormal,
  measures,
  openLoop,
  row,
  runVariants,
  type World,
} from '@keel/sim';

/** The home page: every request for it costs `hotQueries` database calls. */
const HOT_KEY = 0;
/** Zipf-distributed product keys are 1 to this. */
const PRODUCT_KEYS = 10_000;
/** Keys are drawn this many at a time, from a generator forked before the variants differ. */
const KEY_CHUNK = 8_192;

/**
 * A read-heavy service in front of a slow database, under Zipf-distributed load plus one hot
 * key (a home page assembled from several queries). The baseline caches naively: an LRU cache
 * filled on a miss, each request loading for itself. The pattern reads through a W-TinyLFU
 * `LoadingCache` that coalesces concurrent loads of a key, serves a stale value while one
 * refresh runs, and refreshes hot keys a little before they expire (XFetch).
 *
 * @example
 * ```ts
 * import { resolveKnobs } from '@keel/sim';
 * import { cachingScenario } from './scenario.js';
 * const result = await cachingScenario.run(1, resolveKnobs(cachingScenario.knobs, {}), { durationMs: 20_000 });
 * console.log(result.summary.rows);
 * ```
 */
export const cachingScenario = defineScenario({
  id: 'caching',
  name: 'Caching a slow database: admission, coalescing and stale-while-revalidate',
  description:
    'A service answers product and home-page reads from a database whose queries take about 20 ms ' +
    'on 16 connections. Products are read with Zipf-distributed popularity over 10,000 keys; a ' +
    'fifth of the traffic is the home page, which takes ten queries to build. The cache holds 500 ' +
    'entries, which live ten seconds. The baseline puts an LRU cache in front and lets every request that misses query ' +
    'the database itself: when the home page expires, every request arriving during its rebuild ' +
    'rebuilds it too, the database queue fills and everyone waits (a thundering herd, once per ' +
    'TTL). The pattern uses a W-TinyLFU cache of the same size, which keeps the frequently read ' +
    'products instead of the recently read ones (a higher hit ratio, less database load), and ' +
    'reads through it: concurrent misses of a key share one load, an expired value is served ' +
    'while one background load refreshes it, and a hot key is refreshed shortly before it ' +
    'expires, so the home page costs one rebuild per TTL and nobody waits for it.',
  knobs: {
    rps: { type: 'number', label: 'Load', default: 1_000, min: 50, max: 5_000, step: 50, unit: 'req/s' },
    zipfExponent: {
      type: 'number',
      label: 'Popularity skew (Zipf s)',
      description: 'Higher: a few products take most of the reads.',
      default: 0.9,
      min: 0.5,
      max: 1.4,
      step: 0.05,
    },
    cacheEntries: {
      type: 'number',
      label: 'Cache size',
      default: 500,
      min: 50,
      max: 10_000,
      step: 50,
      unit: 'entries',
    },
    ttlMs: { type: 'number', label: 'TTL', default: 10_000, min: 500, max: 60_000, step: 500, unit: 'ms' },
    hotShare: {
      type: 'number',
      label: 'Home page share',
      description: 'Share of requests that read the home page.',
      default: 0.2,
      min: 0,
      max: 0.9,
      step: 0.05,
    },
    hotQueries: {
      type: 'number',
      label: 'Queries per home page',
      default: 10,
      min: 1,
      max: 50,
      step: 1,
    },
  },
  defaultDurationMs: 60_000,
  run: (seed, knobs, options) => {
    const durationMs = options.durationMs;
    const ttlPeriods = Math.max(1, durationMs / knobs.ttlMs);

    /** Shared by both variants and created before anything that differs, so both see the same arrivals and keys. */
    const build = (world: World, read: (key: number) => Promise<'hit' | 'miss'>): void => {
      world.service('db', { concurrency: 16, serviceTime: lognormal(20, 0.5) });
      world.node('app');
      const keys = keyStream(world.random(), knobs.zipfExponent, knobs.hotShare);
      const hits = world.metrics.counter('cache.hits');
      const misses = world.metrics.counter('cache.misses');
      // The hit ratio of each window, from the counters' growth since the last sample.
      let lastHits = 0;
      let lastMisses = 0;
      world.sample('hitRatio', () => {
        const windowHits = hits.value - lastHits;
        const windowReads = windowHits + misses.value - lastMisses;
        lastHits = hits.value;
        lastMisses = misses.value;
        return windowReads === 0 ? Number.NaN : (100 * windowHits) / windowReads;
      });
      openLoop(world.sim, constantRate(knobs.rps), () => {
        const key = keys();
        world.track('req', async () => {
          if ((await read(key)) === 'hit') hits.inc();
          else misses.inc();
        });
      });
    };

    /** Reads `key` from the database: one query, or `hotQueries` in parallel for the home page. */
    const databaseLoader = (world: World) => {
      const calls = world.metrics.counter('db.calls');
      const hotCalls = world.metrics.counter('hot.db.calls');
      const hotLoads = world.metrics.counter('hot.loads');
      const hotInFlight = world.metrics.gauge('hot.inflight');
      hotInFlight.set(0);
      const query = (key: number, signal?: AbortSignal): Promise<unknown> => {
        calls.inc();
        if (key === HOT_KEY) hotCalls.inc();
        return world.call('app', 'db', key, signal ? { signal } : undefined);
      };
      return async (key: number, signal?: AbortSignal): Promise<number> => {
        if (key !== HOT_KEY) {
          await query(key, signal);
          return key;
        }
        hotLoads.inc();
        hotInFlight.add(1);
        try {
          await Promise.all(Array.from({ length: knobs.hotQueries }, () => query(key, signal)));
          return key;
        } finally {
          hotInFlight.add(-1);
        }
      };
    };

    return runVariants(
      seed,
      options,
      {
        baseline: (world) => {
          let cache: Cache<number, number> | undefined;
          let load: ((key: number) => Promise<number>) | undefined;
          build(world, async (key) => {
            if (cache!.get(key) !== undefined) return 'hit';
            // Cache-aside with nothing shared: every request that misses loads for itself.
            cache!.set(key, await load!(key));
            return 'miss';
          });
          load = databaseLoader(world);
          cache = new Cache<number, number>({
            maxEntries: knobs.cacheEntries,
            policy: lru(),
            ttl: knobs.ttlMs,
            clock: world.clock,
            random: world.random(),
          });
        },
        pattern: (world) => {
          let cache: LoadingCache<number, number> | undefined;
          build(world, async (key) => ((await cache!.read(key)).outcome === 'loaded' ? 'miss' : 'hit'));
          const load = databaseLoader(world);
          cache = new LoadingCache<number, number>((key, { signal }) => load(key, signal), {
            cache: { maxEntries: knobs.cacheEntries, policy: wTinyLfu() },
            ttl: knobs.ttlMs,
            staleWhileRevalidate: knobs.ttlMs,
            earlyRefreshBeta: 1,
            clock: world.clock,
            random: world.random(),
          });
        },
      },
      (metrics) => [
        row('Cache hit ratio', '%', 'higher', metrics, (m) => {
          const hits = m.counters['cache.hits'] ?? 0;
          const reads = hits + (m.counters['cache.misses'] ?? 0);
          return reads === 0 ? Number.NaN : (100 * hits) / reads;
        }),
        row(
          'Database queries per second',
          'queries/s',
          'lower',
          metrics,
          (m) => (m.counters['db.calls'] ?? 0) / (durationMs / 1_000),
        ),
        row('p99 latency', 'ms', 'lower', metrics, measures.latency('req', 'p99')),
        row(
          'Most home-page rebuilds at once',
          'loads',
          'lower',
          metrics,
          (m) => m.gauges['hot.inflight']?.max ?? Number.NaN,
        ),
        row(
          'Home-page rebuilds per TTL',
          'loads',
          'lower',
          metrics,
          (m) => (m.counters['hot.loads'] ?? 0) / ttlPeriods,
        ),
        row('Mean latency', 'ms', 'lower', metrics, measures.latency('req', 'mean')),
      ],
      { defaultLink: { latency: constant(1) } },
    );
  },
});

/** Draws request keys: the home page with probability `hotShare`, else a Zipf-popular product. */
function keyStream(random: Random, zipfExponent: number, hotShare: number): () => number {
  let chunk: Trace = new Int32Array(0);
  let next = 0;
  return () => {
    if (random.next() < hotShare) return HOT_KEY;
    if (next === chunk.length) {
      chunk = zipfTrace(PRODUCT_KEYS, KEY_CHUNK, zipfExponent, random, 1);
      next = 0;
    }
    return chunk[next++]!;
  };
}
