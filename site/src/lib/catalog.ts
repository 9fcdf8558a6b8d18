/**
 * Build-time access to the catalog: the validated data plus display helpers. Every index,
 * guide tool and pattern page reads patterns through this module.
 */
import catalogData from '../../../patterns/catalog.json';
import schemaData from '../../../patterns/catalog.schema.json';
import {
  type Catalog,
  CatalogError,
  checkCatalogIntegrity,
  DIFFICULTIES,
  FAMILIES,
  type Family,
  type Pattern,
} from '../../../patterns/catalog.ts';

export type { Catalog, Family, Pattern };
export { DIFFICULTIES, FAMILIES };

/**
 * The catalog, checked once per build. The data is imported rather than read from disk so the
 * bundled build does not depend on file locations; the schema itself is enforced by the
 * catalog's own tests, and the cross-references are checked again here.
 */
export const catalog: Catalog = (() => {
  const data = catalogData as unknown as Catalog;
  const issues = checkCatalogIntegrity(data);
  if (issues.length > 0) throw new CatalogError(issues);
  return data;
})();

/** The URL of a pattern's page. */
export const patternHref = (slug: string): string => `/patterns/${slug}/`;

/** A pattern by slug; throws for an unknown slug so a bad reference fails the build. */
export function pattern(slug: string): Pattern {
  const found = catalog.patterns.find((p) => p.slug === slug);
  if (!found) throw new Error(`unknown pattern "${slug}"`);
  return found;
}

/** Title of a family. */
export const familyTitle = (id: string): string => catalog.families.find((f) => f.id === id)?.title ?? id;

/** Title of a problem. */
export const problemTitle = (id: string): string => catalog.problems.find((p) => p.id === id)?.title ?? id;

/** Capitalised words from a catalog identifier: `use-with-caution` becomes `Use with caution`. */
export const label = (id: string): string => {
  const words = id.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** How each relation type reads in a sentence. */
export const RELATION_PHRASES: Readonly<Record<string, string>> = {
  complements: 'complements',
  'alternative-to': 'is an alternative to',
  'solves-a-problem-of': 'solves a problem of',
  specialises: 'specialises',
};

type SchemaEnum = { oneOf?: { const: string; description: string }[] };

/** Descriptions of the enumerated values the schema documents, by definition name and value. */
export const valueDescriptions: Readonly<Record<string, Readonly<Record<string, string>>>> = (() => {
  const defs = ((schemaData as { $defs?: unknown }).$defs ?? {}) as Record<string, SchemaEnum>;
  const out: Record<string, Record<string, string>> = {};
  for (const [name, def] of Object.entries(defs)) {
    if (!Array.isArray(def.oneOf)) continue;
    out[name] = Object.fromEntries(def.oneOf.map((o) => [o.const, o.description]));
  }
  return out;
})();

/** The catalog's patterns before and after `slug`, in catalog order. */
export function neighbours(slug: string): { prev?: Pattern; next?: Pattern } {
  const i = catalog.patterns.findIndex((p) => p.slug === slug);
  return { prev: catalog.patterns[i - 1], next: catalog.patterns[i + 1] };
}

/** Relations that point at `slug` from other patterns. */
export function incomingRelations(slug: string): { from: Pattern; type: string; note: string }[] {
  return catalog.patterns.flatMap((from) =>
    from.relations.filter((r) => r.target === slug).map((r) => ({ from, type: r.type, note: r.note })),
  );
}
