import { InvalidOptionError } from '@keel/core/errors';

/**
 * What the coordination stores need from a PostgreSQL client: `pg`'s `Pool`, `PoolClient` and
 * `Client` all fit.
 * @category Coordination
 */
export interface PostgresParameterizedQueryable {
  query(text: string, values?: unknown[]): Promise<{ readonly rows: readonly unknown[] }>;
}

/** @internal Validates a (possibly schema-qualified) table name and returns it quoted. */
export function quoteTable(field: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    !/^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/.test(value)
  )
    throw new InvalidOptionError(
      field,
      value,
      'a table name of letters, digits and underscores (optionally schema.table)',
    );
  return value
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}
