import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable, targetLines } from './report.js';
import type { SuiteResult } from './types.js';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const defaultResultsDir = join(benchDir, 'results');
const defaultDocument = join(benchDir, '..', 'BENCHMARKS.md');

/** Reads every real (non-smoke) results file, in suite-name order. */
export function readResults(dir = defaultResultsDir): SuiteResult[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json') && !name.endsWith('.smoke.json') && !name.endsWith('.tmp.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as SuiteResult)
    .filter((result) => !result.smoke);
}

/** BENCHMARKS.md: every suite's latest figures with the command, machine and date behind them. */
export function benchmarksDocument(results: readonly SuiteResult[]): string {
  const parts = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` from `bench/results/<suite>.json` after every full run; rerun a suite',
    'to refresh its section rather than editing figures by hand.',
    '',
    'How the figures are made: every case runs Keel and each anchor library on the same workload',
    'with equivalent settings (the case name says which), interleaved round by round after a',
    'warm-up; each figure is the median of all samples. A sample times a batch of back-to-back',
    '`await`s and nothing is subtracted: the "bare await fn() (limit)" row is the cost of the loop',
    'and the function alone, the floor no policy can go under. Synchronous APIs (cache reads and',
    'writes, hash lookups, balancer picks) are called back to back without an `await` each, as',
    'their users call them; their limit rows are the bare data-structure work. Memory cases keep the instances',
    'alive and compare the heap after full collections, each contender in fresh Node processes',
    "started with `--expose-gc`. Speedup is the anchor's cost divided by Keel's (higher is better",
    'for Keel). The machines are shared and noisy: read the ratios, not the absolute times; spreads',
    '(interquartile range over median) are in the JSON files. Ratio cases (quality figures such as',
    'hit ratios, higher is better) are computed once, since they do not vary between runs, and',
    "compare Keel with each anchor and limit by the difference in points (Keel's figure minus the",
    "other's) in a table of their own.",
  ];
  for (const result of results) {
    const cases = result.cases.flatMap((item) => Object.values(item.targets ?? {}));
    const met = cases.filter((target) => target.met === true).length;
    parts.push(
      '',
      `## ${result.suite}`,
      '',
      `- Command: \`${result.command}\``,
      `- Machine: ${result.cores} cores (${result.cpu}), Node ${result.node}`,
      `- Date: ${result.date}`,
      ...(cases.length > 0 ? [`- Targets met: ${met} of ${cases.length}`] : []),
      '',
      markdownTable(result),
    );
    const notes = result.cases.flatMap((item, index) => {
      const lines = [];
      if (item.note) lines.push(`- Case ${index + 1}: ${item.note}`);
      for (const [label, reason] of Object.entries(item.unavailable ?? {}))
        lines.push(`- Case ${index + 1}: ${label === 'keel' ? 'Keel' : label} not available: ${reason}.`);
      return lines;
    });
    if (notes.length > 0) parts.push('', 'Notes:', '', ...notes);
    const unmet = result.cases.flatMap((item, index) =>
      targetLines(item)
        .filter((line) => !line.includes(': met'))
        .map((line) => `- Case ${index + 1}: ${line}`),
    );
    if (unmet.length > 0) parts.push('', 'Targets not met in this run:', '', ...unmet);
  }
  return `${parts.join('\n')}\n`;
}

/** Rewrites BENCHMARKS.md from the results files; returns its path. */
export function writeBenchmarksDocument(resultsDir = defaultResultsDir, path = defaultDocument): string {
  writeFileSync(path, benchmarksDocument(readResults(resultsDir)));
  return path;
}
