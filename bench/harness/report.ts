import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, relativeSpread, roundFigure } from './stats.js';
import type { CaseResult, RatioCase, RatioFigures, SuiteResult } from './types.js';

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

/** Ratio figures are reported to hundredths (of a percentage point, for percentages). */
export function roundPoints(value: number): number {
  return Math.round(value * 100) / 100;
}

/** A ratio case's result: the figures, and Keel's difference in points from each of the others. */
export function summariseRatio(item: RatioCase, figures: RatioFigures): CaseResult {
  const keel = roundPoints(figures.keel);
  const anchors: Record<string, number> = {};
  const difference: Record<string, number> = {};
  for (const [label, value] of [
    ...Object.entries(figures.anchors),
    ...Object.entries(figures.limits ?? {}),
  ]) {
    anchors[label] = roundPoints(value);
    difference[label] = roundPoints(keel - anchors[label]);
  }
  const targets: NonNullable<CaseResult['targets']> = {};
  for (const [label, atLeast] of Object.entries(item.targets ?? {})) {
    const points = difference[label];
    targets[label] = { atLeast, met: points === undefined ? null : points >= atLeast };
  }
  return {
    name: item.name,
    kind: 'ratio',
    unit: item.unit,
    keel,
    anchors,
    speedup: {},
    difference,
    ...(Object.keys(targets).length > 0 ? { targets } : {}),
    ...(item.note ? { note: item.note } : {}),
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
  if (unit !== 'ns/op' && unit !== 'bytes/instance') return `${value.toFixed(2)} ${unit}`;
  return `${value.toLocaleString('en-US')} ${unit === 'ns/op' ? 'ns/op' : 'B'}`;
}

/** A difference in points with its sign: `+10.5 points`, `-0.25 points`. */
function formatPoints(points: number): string {
  return `${points > 0 ? '+' : ''}${points} points`;
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

/** One line per declared target: the goal, the measured ratio (or difference) and whether it was met. */
export function targetLines(item: CaseResult): string[] {
  return Object.entries(item.targets ?? {}).map(([label, target]) => {
    const verdictText =
      target.met === null ? 'not judged (Keel did not run)' : target.met ? 'met' : 'NOT met';
    if (item.kind === 'ratio') {
      const points = item.difference?.[label];
      return `target >= ${formatPoints(target.atLeast)} vs ${label}: ${verdictText}${points === undefined ? '' : ` (measured ${formatPoints(points)})`}`;
    }
    const measured = item.speedup[label];
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
        reason
          ? `(${reason})`
          : item.kind === 'ratio'
            ? `Keel ${formatPoints(item.difference?.[label] ?? 0)}`
            : verdict(item.speedup[label], item.unit),
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

/**
 * Markdown tables of a suite's results, for BENCHMARKS.md: one for the cost cases (time and
 * memory), then one for the ratio cases, whose comparison column is a difference in points.
 * Cases keep their numbers across both.
 */
export function markdownTable(result: SuiteResult): string {
  const costRows: string[] = [];
  const ratioRows: string[] = [];
  for (const [index, item] of result.cases.entries()) {
    const ratio = item.kind === 'ratio';
    const figure = (value: number | null): string =>
      value === null ? 'not available' : ratio ? value.toFixed(2) : value.toLocaleString('en-US');
    const anchors = Object.entries(item.anchors)
      .map(([label, cost]) => `${label}: ${figure(cost)}`)
      .join('<br>');
    const comparisons = ratio
      ? Object.entries(item.difference ?? {}).map(([label, points]) => `${formatPoints(points)} vs ${label}`)
      : Object.entries(item.speedup).map(([label, speedup]) => `${speedup}x vs ${label}`);
    const targets = targetLines(item).join('<br>');
    (ratio ? ratioRows : costRows).push(
      `| ${index + 1} | ${item.name} | ${item.unit} | ${figure(item.keel)} | ${anchors} | ${comparisons.join('<br>') || '–'} | ${targets || '–'} |`,
    );
  }
  const tables: string[] = [];
  if (costRows.length > 0)
    tables.push(
      [
        '| # | Case | Unit | Keel | Anchors and limits (median) | Keel speedup | Targets |',
        '|---|---|---|---:|---|---|---|',
        ...costRows,
      ].join('\n'),
    );
  if (ratioRows.length > 0)
    tables.push(
      [
        '| # | Case | Unit | Keel | Anchors and limits | Keel difference (points, higher is better) | Targets |',
        '|---|---|---|---:|---|---|---|',
        ...ratioRows,
      ].join('\n'),
    );
  return tables.join('\n\n');
}
