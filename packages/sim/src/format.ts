import type { SeriesSet } from './metrics/metrics.js';
import type { ScenarioResult } from './scenario/scenario.js';

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return '-';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const abs = Math.abs(value);
  if (abs !== 0 && abs < 0.01) return value.toExponential(1);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: abs >= 100 ? 0 : 2 });
}

/**
 * A plain-text table of a scenario's summary: one row per measure with the baseline, the
 * pattern and the change (marked `better` or `worse` by the row's direction).
 *
 * @example
 * ```ts
 * import { formatSummaryTable } from '@keel/sim';
 * console.log(formatSummaryTable({ summary: { rows: [
 *   { label: 'Success', unit: '%', baseline: 80, pattern: 99, better: 'higher' },
 * ] } }));
 * ```
 * @category Output
 */
export function formatSummaryTable(result: Pick<ScenarioResult, 'summary'>): string {
  const header = ['Measure', 'Baseline', 'Pattern', 'Change'];
  const lines: string[][] = [header];
  for (const r of result.summary.rows) {
    const unit = r.unit ? ` ${r.unit}` : '';
    let change = '-';
    if (Number.isFinite(r.baseline) && Number.isFinite(r.pattern)) {
      const delta = r.pattern - r.baseline;
      const relative =
        r.baseline !== 0 ? ` (${delta >= 0 ? '+' : ''}${formatNumber((delta / r.baseline) * 100)}%)` : '';
      const verdict = delta === 0 ? 'same' : delta > 0 === (r.better === 'higher') ? 'better' : 'worse';
      change = `${delta >= 0 ? '+' : ''}${formatNumber(delta)}${unit}${relative} ${verdict}`;
    }
    lines.push([r.label, `${formatNumber(r.baseline)}${unit}`, `${formatNumber(r.pattern)}${unit}`, change]);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  const render = (l: string[]): string =>
    l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [render(header), rule, ...lines.slice(1).map(render)].join('\n');
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A one-line chart of `values` with block characters, resampled (by averaging) to at most
 * `width` characters; NaN shows as a space.
 * @example
 * ```ts
 * import { sparkline } from '@keel/sim';
 * console.log(sparkline([1, 2, 3, 4, 3, 2, 1])); // ▁▃▆█▆▃▁
 * ```
 * @category Output
 */
export function sparkline(values: readonly number[], width = 60): string {
  const points = resample(values, Math.max(1, Math.floor(width)));
  const finite = points.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return ' '.repeat(points.length);
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const span = high - low;
  return points
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      const level = span === 0 ? 0 : Math.round(((v - low) / span) * (BARS.length - 1));
      return BARS[level];
    })
    .join('');
}

function resample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    const from = Math.floor((i * values.length) / width);
    const to = Math.floor(((i + 1) * values.length) / width);
    let sum = 0;
    let n = 0;
    for (let j = from; j < to; j++) {
      const v = values[j]!;
      if (Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    out.push(n === 0 ? Number.NaN : sum / n);
  }
  return out;
}

/**
 * Sparklines of several columns of a series, one labelled line each with the column's range,
 * for terminal output.
 * @example
 * ```ts
 * import { chart } from '@keel/sim';
 * console.log(chart({ windowMs: 1000, t: [0, 1000], columns: { 'req.ok': [5, 9] } }));
 * ```
 * @category Output
 */
export function chart(
  series: SeriesSet,
  columns: readonly string[] = Object.keys(series.columns),
  width = 60,
): string {
  const label = Math.max(0, ...columns.map((c) => c.length));
  return columns
    .filter((c) => series.columns[c] !== undefined)
    .map((c) => {
      const values = series.columns[c]!;
      const finite = values.filter((v) => Number.isFinite(v));
      const range = finite.length
        ? `${formatNumber(Math.min(...finite))}..${formatNumber(Math.max(...finite))}`
        : 'no data';
      return `${c.padEnd(label)}  ${sparkline(values, width)}  ${range}`;
    })
    .join('\n');
}
