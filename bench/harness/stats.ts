/** Order statistics used to summarise samples. Medians resist the outliers of a shared machine. */

/** The q-quantile (0 ≤ q ≤ 1) of `values`, interpolating linearly between closest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be in [0, 1], got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  const high = sorted[upper]!;
  return low + (high - low) * (position - lower);
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Interquartile range divided by the median: 0.05 means the middle half lies within ±2.5 %. */
export function relativeSpread(values: readonly number[]): number {
  const mid = median(values);
  if (mid === 0) return 0;
  return (quantile(values, 0.75) - quantile(values, 0.25)) / mid;
}

/** Rounds a figure for reports: whole numbers from 100 up, otherwise three significant digits. */
export function roundFigure(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}
