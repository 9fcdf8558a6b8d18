import type { Operation } from './types.js';

/** Runs `iterations` awaited operations back to back. */
export type BatchLoop = (iterations: number) => Promise<void>;

/**
 * Builds the loop that runs `operation` again and again, awaiting each result, or, for a
 * `synchronous` operation (a cache read, a hash lookup), calling it back to back as its users
 * do, keeping the last result so that no call can be optimised away. Each contender gets a loop
 * compiled from its own source text, so its call site sees one target only and no contender pays
 * for a call site made polymorphic by the others. Nothing is subtracted from what the loop
 * measures: a bare contender (`await fn()`, `Map.get`) shows the loop's own cost.
 */
export function batchLoop(operation: Operation, synchronous = false): BatchLoop {
  const body = synchronous
    ? 'let last; for (let i = 0; i < iterations; i++) last = operation(); sink = last;'
    : 'for (let i = 0; i < iterations; i++) await operation();';
  const factory = new Function(
    'operation',
    `let sink; return async function batch(iterations) { ${body} };`,
  ) as (op: Operation) => BatchLoop;
  return factory(operation);
}

/** Monotonic time in nanoseconds. */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/** Wall time of one batch of `iterations`, in nanoseconds per operation. */
export async function timeBatch(loop: BatchLoop, iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  await loop(iterations);
  return Number(process.hrtime.bigint() - start) / iterations;
}

/**
 * Finds the batch size whose run takes about `sampleMs`, growing it at most tenfold per probe;
 * never below `minIterations`.
 */
export async function calibrate(loop: BatchLoop, sampleMs: number, minIterations: number): Promise<number> {
  let iterations = minIterations;
  const targetNs = sampleMs * 1e6;
  for (;;) {
    const perOp = await timeBatch(loop, iterations);
    const total = perOp * iterations;
    if (total >= targetNs * 0.8) return iterations;
    const wanted = Math.ceil(targetNs / Math.max(perOp, 1));
    iterations = Math.max(iterations + 1, Math.min(wanted, iterations * 10));
  }
}

/** Runs every loop, in turn, for about `ms` each, `passes` times, to let the JIT settle. */
export async function warmUp(loops: readonly BatchLoop[], ms: number, passes = 3): Promise<void> {
  if (ms <= 0) return;
  const slice = (ms * 1e6) / passes;
  for (let pass = 0; pass < passes; pass++) {
    for (const loop of loops) {
      const end = nowNs() + slice;
      let iterations = 16;
      while (nowNs() < end) {
        await loop(iterations);
        if (iterations < 4096) iterations *= 2;
      }
    }
  }
}
