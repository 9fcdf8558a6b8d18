/** Columns of the comparison matrix, shared by the page and its script. */
import type { Pattern } from '../../../patterns/catalog.ts';

export interface MatrixColumn {
  readonly key: string;
  readonly title: string;
  /** Name of the schema definition that documents the values. */
  readonly def: string;
  readonly values: (p: Pattern) => readonly string[];
  /** Order used for sorting; values not listed sort last, alphabetically. */
  readonly order?: readonly string[];
  /** Offer a filter for this column. */
  readonly filter?: boolean;
}

export const MATRIX_COLUMNS: readonly MatrixColumn[] = [
  { key: 'family', title: 'Category', def: 'family', values: (p) => [p.family], filter: true },
  {
    key: 'difficulty',
    title: 'Difficulty',
    def: 'difficulty',
    values: (p) => [p.difficulty],
    order: ['beginner', 'intermediate', 'advanced'],
    filter: true,
  },
  {
    key: 'tier',
    title: 'Tier',
    def: 'tier',
    values: (p) => [p.tier],
    order: ['gold', 'silver', 'bronze'],
    filter: true,
  },
  {
    key: 'status',
    title: 'Status',
    def: 'status',
    values: (p) => [p.status],
    order: ['recommended', 'stable', 'use-with-caution', 'legacy'],
  },
  {
    key: 'consistencyModel',
    title: 'Consistency',
    def: 'consistencyModel',
    values: (p) => [p.comparison.consistencyModel],
    order: ['strong', 'causal', 'strong-eventual', 'eventual', 'tunable', 'not-applicable'],
    filter: true,
  },
  {
    key: 'latencyCost',
    title: 'Latency cost',
    def: 'latencyCost',
    values: (p) => [p.comparison.latencyCost],
    order: ['reduces', 'none', 'low', 'moderate', 'high'],
    filter: true,
  },
  {
    key: 'operationalComplexity',
    title: 'Operational complexity',
    def: 'operationalComplexity',
    values: (p) => [p.comparison.operationalComplexity],
    order: ['low', 'medium', 'high'],
    filter: true,
  },
  {
    key: 'failureHandled',
    title: 'Failures handled',
    def: 'failureHandled',
    values: (p) => p.comparison.failureHandled,
    filter: true,
  },
  {
    key: 'stateNeeded',
    title: 'State',
    def: 'stateNeeded',
    values: (p) => [p.comparison.stateNeeded],
    order: ['none', 'local', 'shared', 'durable'],
  },
  { key: 'layer', title: 'Layer', def: 'layer', values: (p) => [p.comparison.layer], filter: true },
  {
    key: 'infrastructure',
    title: 'Infrastructure',
    def: 'infrastructure',
    values: (p) => p.comparison.infrastructure,
    filter: true,
  },
  {
    key: 'idempotency',
    title: 'Idempotency',
    def: 'idempotency',
    values: (p) => [p.comparison.idempotency],
    order: ['not-required', 'recommended', 'required'],
  },
];

/** A sort key for a cell: its first value's position in the column order, then the text. */
export function sortKey(column: MatrixColumn, p: Pattern): string {
  const first = column.values(p)[0] ?? '';
  const rank = column.order ? column.order.indexOf(first) : -1;
  return `${String(rank < 0 ? 99 : rank).padStart(2, '0')}:${column.values(p).join(',')}`;
}
