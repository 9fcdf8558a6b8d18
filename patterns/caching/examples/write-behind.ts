/**
 * Write-behind for page-view counters: every view updates the cache at once and is queued for
 * the database; repeated updates of one page coalesce, and the database sees one batch per
 * second instead of one write per view. When the database is briefly down the failed batch is
 * reported and retried with the next one; on shutdown everything still pending is flushed.
 */
import { Cache, WriteBehind } from '@keel/core/caching';
import { VirtualClock } from '@keel/core/clock';

export async function main() {
  const clock = new VirtualClock();
  const database = new Map<string, number>();
  const batches: number[] = [];
  let databaseDown = false;
  const views = new Cache<string, number>({ maxEntries: 1_000 });
  const pending = new WriteBehind<string, number>(
    async (batch) => {
      if (databaseDown) throw new Error('connection refused');
      batches.push(batch.size);
      for (const [page, count] of batch) database.set(page, count);
    },
    { flushInterval: 1_000, maxPending: 500, clock },
  );
  const errors: string[] = [];
  pending.onError(({ error, failures }) => errors.push(`${(error as Error).message} (${failures} in a row)`));

  const view = async (page: string) => {
    const count = (views.get(page) ?? database.get(page) ?? 0) + 1;
    views.set(page, count);
    await pending.write(page, count);
  };

  // Three seconds of traffic, 100 views a second over 5 pages; the database is down in second 2.
  for (let second = 0; second < 3; second++) {
    databaseDown = second === 1;
    for (let i = 0; i < 100; i++) await view(`/page/${i % 5}`);
    await clock.advanceAsync(1_000);
  }
  databaseDown = false;
  await view('/page/0');
  const unwritten = await pending.dispose();
  console.log({ batches, errors, database: Object.fromEntries(database) });
  return { batches, errors, database: Object.fromEntries(database), unwritten: unwritten.size };
}
