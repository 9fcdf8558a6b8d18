import { runCaseChild } from './child.js';
import type { MemoryContender } from './types.js';

/**
 * Bytes held by JavaScript objects: the V8 heap plus the backing stores of ArrayBuffers, where
 * typed arrays longer than a few dozen bytes keep their elements, outside the heap.
 */
function retainedBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Runs a collection until the retained bytes stop shrinking (at most a few passes). */
export function settleHeap(gc: () => void): number {
  let used = retainedBytes();
  for (let pass = 0; pass < 5; pass++) {
    gc();
    const next = retainedBytes();
    if (next >= used) return next;
    used = next;
  }
  return used;
}

/**
 * Retained bytes per instance (heap and ArrayBuffer backing stores): `count` instances are
 * created and kept in a preallocated array, and the settled total after is compared with the
 * settled total before. A few instances
 * are made and dropped first so that lazily built shared state (classes, module caches) is not
 * charged to the instances.
 */
export function bytesPerInstance(contender: MemoryContender, count: number, gc: () => void): number {
  const kept: unknown[] = new Array(count).fill(null);
  for (let i = 0; i < Math.min(32, count); i++) contender.create();
  const before = settleHeap(gc);
  for (let i = 0; i < count; i++) kept[i] = contender.create();
  const after = settleHeap(gc);
  if (kept.length !== count) throw new Error('instances were lost');
  return (after - before) / count;
}

/**
 * Measures one memory contender in a fresh Node process started with `--expose-gc`, so that
 * neither the other contenders nor the time cases leave garbage or warm caches behind.
 */
export async function measureInChild(
  suite: string,
  caseName: string,
  contender: string,
  count: number,
): Promise<number> {
  const result = await runCaseChild<{ bytesPerInstance: number }>(
    ['--expose-gc'],
    [suite, caseName, contender, String(count)],
  );
  return result.bytesPerInstance;
}
