import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, relativeSpread, roundFigure } from './stats.js';
import type { CaseResult, SuiteResult } from './types.js';

/** The samples of one case, as the runner collected them. */
export interface CaseSamples {
  readonly name: string;
  readonly unit: CaseResult['unit'];
  readonly note?: string;
  readonly targets?: Readonly<Record<string, number>>;
  /** Keel's samples, or the reason Keel could not run. */
  readonly keel: readonly number[] | string;
  /** Anchors' samples (or reasons), in display order. */
  readonly anchors: ReadonlyArray<readonly [string, readonly number[] | string]>;
  /** Limits' samples, in display order; limits get no speedup. */
  readonly limits: ReadonlyArray<readonly [string, readonly number[]]>;
}

/** Reduces samples to the medians, spreads and speedups written to the results file. */
export function summarise(samples: CaseSamples): CaseResult {
  const anchors: Record<string, number | null> = {};
  const speedup: Record<string, number> = {};
  const spread: Record<string, number> = {};
  const unavailable: Record<string, string> = {};
  const keelMedian = typeof samples.keel === 'string' ? null : median(samples.keel);
  if (typeof samples.keel === 'string') unavailable['keel'] = samples.keel;
  else spread['keel'] = roundFigure(relativeSpread(samples.keel));
  for (const [label, values] of samples.anchors) {
    if (typeof values === 'string') {
      anchors[label] = null;
      unavailable[label] = values;
      continue;
    }
    const cost = median(values);
    anchors[label] = roundFigure(cost);
    spread[label] = roundFigure(relativeSpread(values));
    if (keelMedian !== null && keelMedian > 0) speedup[label] = roundFigure(cost / keelMedian);
  }
  for (const [label, values] of samples.limits) {
    anchors[label] = roundFigure(median(values));
    spread[label] = roundFigure(relativeSpread(values));
  }
  const targets: NonNullable<CaseResult['targets']> = {};
  for (const [label, atLeast] of Object.entries(samples.targets ?? {})) {
    const ratio = speedup[label];
    // Judged on the rounded ratio, the figure a reader sees.
    targets[label] = { atLeast, met: ratio === undefined ? null : ratio >= atLeast };
  }
  return {
    name: samples.name,
    unit: samples.unit,
    keel: keelMedian === null ? null : roundFigure(keelMedian),
    anchors,
    speedup,
    spread,
    ...(Object.keys(targets).length > 0 ? { targets } : {}),
    ...(Object.keys(unavailable).length > 0 ? { unavailable } : {}),
    ...(samples.note ? { note: samples.note } : {}),
  };
}

/** The machine description every results file carries. */
export function machine(): Pick<SuiteResult, 'node' | 'cpu' | 'cores'> {
  const list = cpus();
  return { node: process.version, cpu: list[0]?.model.trim() ?? 'unknown', cores: list.length };
}

/** Assembles a suite's results file. */
export function suiteResult(
  suite: string,
  cases: CaseResult[],
  smoke: boolean,
  date = new Date(),
  command = `${smoke ? 'KEEL_BENCH_SMOKE=1 ' : ''}npm run bench -- ${suite}`,
): SuiteResult {
  return { suite, ...machine(), date: date.toISOString(), command, smoke, cases };
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Where a suite's results go; a smoke run never overwrites the real figures. */
export function resultsPath(suite: string, smoke: boolean, dir = resultsDir): string {
  return join(dir, smoke ? `${suite}.smoke.json` : `${suite}.json`);
}

/** Writes the results file and returns its path. */
export function writeResults(result: SuiteResult, dir = resultsDir): string {
  const path = resultsPath(result.suite, result.smoke, dir);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

function formatCost(value: number | null | undefined, unit: CaseResult['unit']): string {
  if (value === null || value === undefined) return 'not available';
  return `${value.toLocaleString('en-US')} ${unit === 'ns/op' ? 'ns/op' : 'B'}`;
}

function formatSpread(value: number | undefined): string {
  return value === undefined ? '' : `±${Math.round(value * 50)}%`;
}

function verdict(ratio: number | undefined, unit: CaseResult['unit']): string {
  if (ratio === undefined) return '';
  const better = unit === 'ns/op' ? 'faster' : 'smaller';
  const worse = unit === 'ns/op' ? 'slower' : 'larger';
  return ratio >= 1 ? `Keel ${ratio}x ${better}` : `Keel ${roundFigure(1 / ratio)}x ${worse}`;
}

/** One line per declared target: the goal, the measured ratio and whether it was met. */
export function targetLines(item: CaseResult): string[] {
  return Object.entries(item.targets ?? {}).map(([label, target]) => {
    const measured = item.speedup[label];
    const verdictText =
      target.met === null ? 'not judged (Keel did not run)' : target.met ? 'met' : 'NOT met';
    return `target >= ${target.atLeast}x vs ${label}: ${verdictText}${measured === undefined ? '' : ` (measured ${measured}x)`}`;
  });
}

/** The plain-text table printed at the end of a run. */
export function formatTable(result: SuiteResult): string {
  const lines: string[] = [
    `Suite ${result.suite}${result.smoke ? ' (smoke run: figures not meaningful)' : ''}`,
    `Node ${result.node}, ${result.cores} x ${result.cpu}, ${result.date}`,
  ];
  for (const [index, item] of result.cases.entries()) {
    lines.push('', `${index + 1}. ${item.name} [${item.unit}]`);
    const rows: [string, string, string, string][] = [
      [
        'keel',
        formatCost(item.keel, item.unit),
        formatSpread(item.spread?.['keel']),
        item.keel === null ? `(${item.unavailable?.['keel'] ?? 'did not run'})` : '',
      ],
    ];
    for (const [label, cost] of Object.entries(item.anchors)) {
      const reason = item.unavailable?.[label];
      rows.push([
        label,
        formatCost(cost, item.unit),
        formatSpread(item.spread?.[label]),
        reason ? `(${reason})` : verdict(item.speedup[label], item.unit),
      ]);
    }
    const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows) {
      lines.push(
        `   ${row[0].padEnd(widths[0]!)}  ${row[1].padStart(widths[1]!)}  ${row[2].padEnd(widths[2]!)}  ${row[3]}`.trimEnd(),
      );
    }
    for (const line of targetLines(item)) lines.push(`   ${line}`);
    if (item.note) lines.push(`   note: ${item.note}`);
  }
  return lines.join('\n');
}

/** A Markdown table of a suite's results, for BENCHMARKS.md. */
export function markdownTable(result: SuiteResult): string {
  const lines = [
    '| # | Case | Unit | Keel | Anchors and limits (median) | Keel speedup | Targets |',
    '|---|---|---|---:|---|---|---|',
  ];
  for (const [index, item] of result.cases.entries()) {
    const keel = item.keel === null ? 'not available' : item.keel.toLocaleString('en-US');
    const anchors = Object.entries(item.anchors)
      .map(([label, cost]) => `${label}: ${cost === null ? 'not available' : cost.toLocaleString('en-US')}`)
      .join('<br>');
    const speedups = Object.entries(item.speedup)
      .map(([label, ratio]) => `${ratio}x vs ${label}`)
      .join('<br>');
    const targets = targetLines(item).join('<br>');
    lines.push(
      `| ${index + 1} | ${item.name} | ${item.unit} | ${keel} | ${anchors} | ${speedups || '–'} | ${targets || '–'} |`,
    );
  }
  return lines.join('\n');
}
