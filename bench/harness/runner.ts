import { runCaseChild } from './child.js';
import type { BenchConfig } from './config.js';
import { measureInChild } from './memory.js';
import type { Progress } from './progress.js';
import {
  type CaseSamples,
  formatTable,
  suiteResult,
  summarise,
  summariseRatio,
  writeResults,
} from './report.js';
import { interleave } from './schedule.js';
import { batchLoop, calibrate, timeBatch, warmUp } from './timing.js';
import {
  type CaseResult,
  isUnavailable,
  type MemoryCase,
  type Suite,
  type SuiteResult,
  type TimeCase,
  type TimedContender,
  type Unavailable,
} from './types.js';

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Entry<T> {
  readonly label: string;
  readonly role: 'keel' | 'anchor' | 'limit';
  readonly contender: T | Unavailable;
}

function entries<T extends object>(
  keel: T | Unavailable,
  anchors: Readonly<Record<string, T | Unavailable>>,
  limits: Readonly<Record<string, T>> = {},
): Entry<T>[] {
  return [
    { label: 'keel', role: 'keel', contender: keel },
    ...Object.entries(anchors).map(([label, contender]) => ({ label, role: 'anchor' as const, contender })),
    ...Object.entries(limits).map(([label, contender]) => ({ label, role: 'limit' as const, contender })),
  ];
}

/** Collects per-contender samples into the shape `summarise` takes. */
function collect(
  item: TimeCase | MemoryCase,
  unit: CaseResult['unit'],
  all: Entry<object>[],
  samples: Map<string, number[]>,
): CaseSamples {
  const samplesOf = (entry: Entry<object>): number[] | string =>
    isUnavailable(entry.contender) ? entry.contender.unavailable : (samples.get(entry.label) ?? []);
  return {
    name: item.name,
    unit,
    ...(item.note ? { note: item.note } : {}),
    ...(item.targets ? { targets: item.targets } : {}),
    keel: samplesOf(all[0]!),
    anchors: all
      .filter((entry) => entry.role === 'anchor')
      .map((entry) => [entry.label, samplesOf(entry)] as const),
    limits: all
      .filter((entry) => entry.role === 'limit')
      .map((entry) => [entry.label, samples.get(entry.label) ?? []] as const),
  };
}

/** Times one case: warm-up, batch calibration, then interleaved rounds of samples. */
export async function runTimeCase(
  item: TimeCase,
  config: BenchConfig,
  report: (status: string) => void,
): Promise<CaseResult> {
  const all = entries<TimedContender>(item.keel, item.anchors, item.limits);
  const runnable = all.filter(
    (entry): entry is Entry<TimedContender> & { contender: TimedContender } =>
      !isUnavailable(entry.contender),
  );
  const loops = [];
  for (const entry of runnable)
    loops.push(batchLoop(await entry.contender.prepare(), item.synchronous === true));
  report('warm-up');
  await warmUp(loops, config.warmupMs);
  const minIterations = config.smoke ? 3 : 1;
  const sizes: number[] = [];
  for (const loop of loops) sizes.push(await calibrate(loop, config.sampleMs, minIterations));
  const samples = new Map<string, number[]>(runnable.map((entry) => [entry.label, []]));
  const gc = (globalThis as { gc?: () => void }).gc;
  const callsPerOperation = item.callsPerOperation ?? 1;
  let currentRound = -1;
  for (const slot of interleave(runnable.length, config.rounds)) {
    if (slot.round !== currentRound) {
      currentRound = slot.round;
      report(`round ${slot.round + 1}/${config.rounds}`);
      gc?.();
    }
    const entry = runnable[slot.contender]!;
    for (let s = 0; s < config.samplesPerRound; s++) {
      // Let timers and other macrotasks run between samples, as they would in an application.
      await yieldToEventLoop();
      const perOperation = await timeBatch(loops[slot.contender]!, sizes[slot.contender]!);
      samples.get(entry.label)!.push(perOperation / callsPerOperation);
    }
  }
  return summarise(collect(item, 'ns/op', all, samples));
}

/** Measures one memory case: each contender in fresh child processes, interleaved by round. */
export async function runMemoryCase(
  suite: string,
  item: MemoryCase,
  config: BenchConfig,
  report: (status: string) => void,
): Promise<CaseResult> {
  const all = entries<object>(item.keel, item.anchors);
  const runnable = all.filter((entry) => !isUnavailable(entry.contender));
  const count = config.memoryCount ?? item.count;
  const samples = new Map<string, number[]>(runnable.map((entry) => [entry.label, []]));
  for (const slot of interleave(runnable.length, config.memoryRounds)) {
    const entry = runnable[slot.contender]!;
    report(`round ${slot.round + 1}/${config.memoryRounds}, ${entry.label}`);
    samples.get(entry.label)!.push(await measureInChild(suite, item.name, entry.label, count));
  }
  return summarise(collect(item, 'bytes/instance', all, samples));
}

/** Runs every case of a suite, prints the table and writes the results file (into `resultsDir` when given). */
export async function runSuite(
  suite: Suite,
  config: BenchConfig,
  progress: Progress,
  resultsDir?: string,
): Promise<SuiteResult> {
  const cases = await suite.cases();
  const results: CaseResult[] = [];
  for (const [index, item] of cases.entries()) {
    const report = (status: string): void =>
      progress.update(`[${suite.name}] case ${index + 1}/${cases.length} ${item.name}: ${status}`);
    if (item.kind === 'ratio') {
      // Deterministic: computed once, no warm-up or samples.
      report('computing');
      results.push(summariseRatio(item, await item.figures()));
    } else if (item.kind === 'time') {
      results.push(
        item.isolated === true
          ? await runCaseChild<CaseResult>([], [suite.name, item.name], report)
          : await runTimeCase(item, config, report),
      );
    } else {
      results.push(await runMemoryCase(suite.name, item, config, report));
    }
  }
  progress.done();
  const result = suiteResult(suite.name, results, config.smoke);
  const path = resultsDir === undefined ? writeResults(result) : writeResults(result, resultsDir);
  process.stdout.write(`${formatTable(result)}\n\nwritten to ${path}\n`);
  return result;
}
