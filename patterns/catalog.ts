/**
 * The pattern catalog: typed access to `catalog.json`, validated against `catalog.schema.json`
 * and checked for cross-reference integrity. The site and the CLI read the catalog only through
 * this module, so nothing downstream has to trust hand-edited JSON.
 */
import { readFileSync } from 'node:fs';
import { hasErrorCode, KeelError } from '@keel/core/errors';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';

/** The five families, in display order. */
export const FAMILIES = ['resilience', 'communication', 'data', 'scaling', 'coordination'] as const;
/** A pattern family. */
export type Family = (typeof FAMILIES)[number];

/** Difficulty levels, easiest first. */
export const DIFFICULTIES = ['beginner', 'intermediate', 'advanced'] as const;
/** How much background a pattern needs. */
export type Difficulty = (typeof DIFFICULTIES)[number];

/** Excellence tiers, most proven first. */
export const TIERS = ['gold', 'silver', 'bronze'] as const;
/** How proven and broadly applicable a pattern is. */
export type Tier = (typeof TIERS)[number];

/** Recommendation statuses, strongest first. */
export const STATUSES = ['recommended', 'stable', 'use-with-caution', 'legacy'] as const;
/** The catalog's recommendation for new designs. */
export type Status = (typeof STATUSES)[number];

/** Kinds of relation between two patterns. */
export const RELATION_TYPES = [
  'complements',
  'alternative-to',
  'solves-a-problem-of',
  'specialises',
] as const;
/** How one pattern relates to another: read `<pattern> <type> <target>`. */
export type RelationType = (typeof RELATION_TYPES)[number];

/** Consistency the pattern gives the data it touches (documented in the schema). */
export type ConsistencyModel =
  | 'strong'
  | 'causal'
  | 'strong-eventual'
  | 'eventual'
  | 'tunable'
  | 'not-applicable';
/** Latency cost on the healthy path. */
export type LatencyCost = 'reduces' | 'none' | 'low' | 'moderate' | 'high';
/** Effort to run the pattern in production. */
export type OperationalComplexity = 'low' | 'medium' | 'high';
/** A kind of failure a pattern helps with. */
export type FailureKind =
  | 'transient-fault'
  | 'slow-dependency'
  | 'cascading-failure'
  | 'resource-exhaustion'
  | 'unhealthy-instance'
  | 'instance-loss'
  | 'region-outage'
  | 'partial-failure'
  | 'lost-or-duplicate-message'
  | 'conflicting-writes'
  | 'overload'
  | 'stale-endpoint'
  | 'split-brain';
/** Where a pattern keeps its state. */
export type StateNeeded = 'none' | 'local' | 'shared' | 'durable';
/** Where in a system a pattern lives. */
export type Layer = 'in-process' | 'edge' | 'platform' | 'data' | 'workflow';
/** Infrastructure a pattern needs beyond the application. */
export type Infrastructure =
  | 'none'
  | 'database'
  | 'cache-store'
  | 'message-broker'
  | 'replicated-log'
  | 'consensus-store'
  | 'proxy'
  | 'orchestrator'
  | 'multiple-regions';
/** Whether operations driven by the pattern must tolerate repetition. */
export type Idempotency = 'required' | 'recommended' | 'not-required';

/** Attributes shown in the comparison matrix. */
export interface Comparison {
  readonly consistencyModel: ConsistencyModel;
  readonly latencyCost: LatencyCost;
  readonly operationalComplexity: OperationalComplexity;
  /** Most important first. */
  readonly failureHandled: readonly FailureKind[];
  readonly stateNeeded: StateNeeded;
  readonly layer: Layer;
  readonly infrastructure: readonly Infrastructure[];
  readonly idempotency: Idempotency;
}

/** A typed, directed edge of the relationships graph. */
export interface Relation {
  readonly type: RelationType;
  /** Slug of the related pattern. */
  readonly target: string;
  /** Why the relation holds, in one sentence. */
  readonly note: string;
}

/** Whether the toolkit implements a pattern, and where to import it from. */
export type ToolkitStatus =
  | { readonly implemented: true; readonly importPath: string }
  | { readonly implemented: false };

/** One pattern of the catalog. */
export interface Pattern {
  readonly slug: string;
  readonly title: string;
  readonly aliases?: readonly string[];
  /** One line. */
  readonly summary: string;
  readonly family: Family;
  readonly difficulty: Difficulty;
  /** Ids from {@link Catalog.problems}. */
  readonly problems: readonly string[];
  readonly tier: Tier;
  readonly status: Status;
  readonly popular: boolean;
  readonly relations: readonly Relation[];
  readonly comparison: Comparison;
  readonly toolkit: ToolkitStatus;
}

/** A family with its display title. */
export interface FamilyEntry {
  readonly id: Family;
  readonly title: string;
  readonly description: string;
}

/** A question a reader may come with; patterns point at it by id. */
export interface Problem {
  readonly id: string;
  /** Phrased as a question. */
  readonly title: string;
  readonly description: string;
}

/** An ordered reading list through the catalog. */
export interface LearningPath {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Pattern slugs in reading order. */
  readonly slugs: readonly string[];
}

/** The whole catalog. */
export interface Catalog {
  readonly version: number;
  readonly families: readonly FamilyEntry[];
  readonly problems: readonly Problem[];
  readonly learningPaths: readonly LearningPath[];
  readonly patterns: readonly Pattern[];
}

/**
 * Thrown when catalog data breaks the schema or refers to things that do not exist.
 *
 * @example
 * ```ts
 * try {
 *   parseCatalog({});
 * } catch (error) {
 *   if (isCatalogError(error)) console.log(error.issues.join('\n'));
 * }
 * ```
 */
export class CatalogError extends KeelError {
  override readonly name = 'CatalogError' as const;
  readonly code = 'KEEL_INVALID_CATALOG' as const;
  /** Every problem found, one line each. */
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`The pattern catalog is invalid:\n- ${issues.join('\n- ')}`);
    this.issues = issues;
  }
}

/**
 * Whether `error` is a {@link CatalogError}.
 *
 * @example
 * ```ts
 * console.log(isCatalogError(new CatalogError(['no patterns']))); // true
 * ```
 */
export const isCatalogError = (error: unknown): error is CatalogError =>
  hasErrorCode(error, 'KEEL_INVALID_CATALOG');

/** Location of the catalog data next to this module. */
export const CATALOG_URL = new URL('./catalog.json', import.meta.url);
/** Location of the JSON Schema the catalog follows. */
export const CATALOG_SCHEMA_URL = new URL('./catalog.schema.json', import.meta.url);

/**
 * The catalog's JSON Schema, parsed.
 *
 * @example
 * ```ts
 * const schema = readCatalogSchema();
 * console.log(schema.title);
 * ```
 */
export function readCatalogSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(CATALOG_SCHEMA_URL, 'utf8')) as Record<string, unknown>;
}

let compiled: ReturnType<Ajv2020['compile']> | undefined;

function validator(): ReturnType<Ajv2020['compile']> {
  if (compiled === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    compiled = ajv.compile(readCatalogSchema());
  }
  return compiled;
}

function describeSchemaError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  return `${where}: ${error.message ?? error.keyword}`;
}

/**
 * Cross-reference checks the schema cannot express. Returns one line per problem; empty when
 * the catalog is consistent. Expects data that already passed the schema.
 *
 * Checked: unique slugs, problem ids and path ids; relation targets, learning-path entries and
 * problem references all resolve; no pattern relates to itself or repeats a relation; every
 * problem leads to at least one pattern; the families list matches {@link FAMILIES}.
 *
 * @example
 * ```ts
 * const issues = checkCatalogIntegrity(loadCatalog());
 * console.log(issues.length); // 0
 * ```
 */
export function checkCatalogIntegrity(catalog: Catalog): string[] {
  const issues: string[] = [];
  const duplicates = (label: string, ids: readonly string[]) => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) issues.push(`duplicate ${label} "${id}"`);
      seen.add(id);
    }
    return seen;
  };
  const slugs = duplicates(
    'pattern slug',
    catalog.patterns.map((p) => p.slug),
  );
  const problems = duplicates(
    'problem id',
    catalog.problems.map((p) => p.id),
  );
  duplicates(
    'learning path id',
    catalog.learningPaths.map((p) => p.id),
  );

  const familyIds = catalog.families.map((f) => f.id);
  if (familyIds.join() !== FAMILIES.join())
    issues.push(`families must be listed as ${FAMILIES.join(', ')}; found ${familyIds.join(', ')}`);

  const answered = new Set<string>();
  for (const pattern of catalog.patterns) {
    for (const problem of pattern.problems) {
      if (problems.has(problem)) answered.add(problem);
      else issues.push(`pattern "${pattern.slug}" names unknown problem "${problem}"`);
    }
    const relationKeys = new Set<string>();
    for (const relation of pattern.relations) {
      if (relation.target === pattern.slug) issues.push(`pattern "${pattern.slug}" relates to itself`);
      else if (!slugs.has(relation.target))
        issues.push(`pattern "${pattern.slug}" relates to unknown pattern "${relation.target}"`);
      const key = `${relation.type} ${relation.target}`;
      if (relationKeys.has(key)) issues.push(`pattern "${pattern.slug}" repeats relation "${key}"`);
      relationKeys.add(key);
    }
  }
  for (const problem of catalog.problems)
    if (!answered.has(problem.id)) issues.push(`problem "${problem.id}" leads to no pattern`);
  for (const path of catalog.learningPaths)
    for (const slug of path.slugs)
      if (!slugs.has(slug)) issues.push(`learning path "${path.id}" names unknown pattern "${slug}"`);
  return issues;
}

/**
 * Validates arbitrary data as a catalog: first against the JSON Schema, then for integrity.
 * Throws a {@link CatalogError} listing every problem found.
 *
 * @example
 * ```ts
 * const catalog = parseCatalog(JSON.parse('{"version":1}')); // throws CatalogError
 * ```
 */
export function parseCatalog(data: unknown): Catalog {
  const validate = validator();
  if (!validate(data)) throw new CatalogError((validate.errors ?? []).map(describeSchemaError));
  const catalog = data as Catalog;
  const issues = checkCatalogIntegrity(catalog);
  if (issues.length > 0) throw new CatalogError(issues);
  return catalog;
}

/**
 * Reads `catalog.json`, validates it and returns it typed.
 *
 * @example
 * ```ts
 * const catalog = loadCatalog();
 * console.log(catalog.patterns.filter((p) => p.popular).map((p) => p.title));
 * ```
 */
export function loadCatalog(): Catalog {
  return parseCatalog(JSON.parse(readFileSync(CATALOG_URL, 'utf8')));
}

/**
 * The pattern with `slug`, or `undefined`.
 *
 * @example
 * ```ts
 * console.log(findPattern(loadCatalog(), 'saga')?.title); // "Saga"
 * ```
 */
export function findPattern(catalog: Catalog, slug: string): Pattern | undefined {
  return catalog.patterns.find((p) => p.slug === slug);
}

/**
 * The patterns that answer a problem, in catalog order.
 *
 * @example
 * ```ts
 * console.log(patternsForProblem(loadCatalog(), 'scale').map((p) => p.slug));
 * ```
 */
export function patternsForProblem(catalog: Catalog, problemId: string): Pattern[] {
  return catalog.patterns.filter((p) => p.problems.includes(problemId));
}

/**
 * The patterns of one family, in catalog order.
 *
 * @example
 * ```ts
 * console.log(patternsInFamily(loadCatalog(), 'coordination').length); // 3
 * ```
 */
export function patternsInFamily(catalog: Catalog, family: Family): Pattern[] {
  return catalog.patterns.filter((p) => p.family === family);
}

/**
 * The learning paths a pattern sits on.
 *
 * @example
 * ```ts
 * console.log(learningPathsOf(loadCatalog(), 'timeout').map((p) => p.title));
 * ```
 */
export function learningPathsOf(catalog: Catalog, slug: string): LearningPath[] {
  return catalog.learningPaths.filter((path) => path.slugs.includes(slug));
}
