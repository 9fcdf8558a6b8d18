import { existsSync, readFileSync } from 'node:fs';
import { TimeoutError } from '@keel/core/errors';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  type Catalog,
  CatalogError,
  checkCatalogIntegrity,
  DIFFICULTIES,
  FAMILIES,
  findPattern,
  isCatalogError,
  learningPathsOf,
  loadCatalog,
  parseCatalog,
  patternsForProblem,
  patternsInFamily,
  readCatalogSchema,
} from './catalog.js';

const catalog = loadCatalog();
const rawCatalog = (): any => JSON.parse(readFileSync(new URL('./catalog.json', import.meta.url), 'utf8'));
const slugs = (list: readonly { slug: string }[]) => list.map((p) => p.slug);

const EXPECTED_FAMILIES: Record<string, string[]> = {
  resilience: ['timeout', 'retry-backoff', 'circuit-breaker', 'bulkhead', 'health-check'],
  communication: ['api-gateway', 'service-mesh', 'event-driven', 'event-sourcing', 'cqrs'],
  data: [
    'sharding',
    'crdt',
    'event-streaming',
    'cdc',
    'outbox',
    'saga',
    'two-phase-commit',
    'leader-follower',
  ],
  scaling: ['load-balancing', 'caching', 'auto-scaling', 'multi-region'],
  coordination: ['leader-election', 'distributed-lock', 'service-discovery'],
};

describe('catalog schema', () => {
  it('is itself a valid JSON Schema (2020-12) that compiles in strict mode', () => {
    const ajv = new Ajv2020({ strict: true });
    const schema = readCatalogSchema();
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('accepts catalog.json', () => {
    expect(() => parseCatalog(rawCatalog())).not.toThrow();
  });

  it('rejects a value outside an enumeration and names where it is', () => {
    const data = rawCatalog();
    data.patterns[0].comparison.latencyCost = 'instant';
    expect(() => parseCatalog(data)).toThrow(/\/patterns\/0\/comparison\/latencyCost/);
  });

  it('rejects unknown fields, missing fields and multi-line summaries', () => {
    const extra = rawCatalog();
    extra.patterns[1].colour = 'blue';
    expect(() => parseCatalog(extra)).toThrow(CatalogError);
    const missing = rawCatalog();
    delete missing.patterns[2].tier;
    expect(() => parseCatalog(missing)).toThrow(/tier/);
    const multiLine = rawCatalog();
    multiLine.patterns[3].summary = 'first line of a summary\nsecond line of it';
    expect(() => parseCatalog(multiLine)).toThrow(/summary/);
  });

  it('requires an import path exactly when the toolkit implements a pattern', () => {
    const noPath = rawCatalog();
    noPath.patterns[0].toolkit = { implemented: true };
    expect(() => parseCatalog(noPath)).toThrow(CatalogError);
    const strayPath = rawCatalog();
    strayPath.patterns[5].toolkit = { implemented: false, importPath: '@keel/core/x' };
    expect(() => parseCatalog(strayPath)).toThrow(CatalogError);
  });

  it('requires problem titles to be questions', () => {
    const data = rawCatalog();
    data.problems[0].title = 'Handle failures';
    expect(() => parseCatalog(data)).toThrow(/problems\/0\/title/);
  });
});

describe('catalog integrity', () => {
  it('has no integrity issues', () => {
    expect(checkCatalogIntegrity(catalog)).toEqual([]);
  });

  it('holds exactly 25 patterns in the five families as listed', () => {
    expect(catalog.patterns).toHaveLength(25);
    expect(catalog.families.map((f) => f.id)).toEqual([...FAMILIES]);
    for (const family of FAMILIES)
      expect(slugs(patternsInFamily(catalog, family)).sort()).toEqual([...EXPECTED_FAMILIES[family]!].sort());
  });

  it('resolves every relation target and never relates a pattern to itself', () => {
    const known = new Set(slugs(catalog.patterns));
    for (const pattern of catalog.patterns)
      for (const relation of pattern.relations) {
        expect(known.has(relation.target), `${pattern.slug} -> ${relation.target}`).toBe(true);
        expect(relation.target).not.toBe(pattern.slug);
      }
  });

  it('resolves every learning-path entry', () => {
    const known = new Set(slugs(catalog.patterns));
    for (const path of catalog.learningPaths)
      for (const slug of path.slugs) expect(known.has(slug), `${path.id}: ${slug}`).toBe(true);
  });

  it('gives every pattern a problem and every problem a pattern', () => {
    for (const pattern of catalog.patterns) expect(pattern.problems.length).toBeGreaterThan(0);
    for (const problem of catalog.problems)
      expect(patternsForProblem(catalog, problem.id).length, problem.id).toBeGreaterThan(0);
  });

  it('maps the four core problems to at least the patterns the guide lists', () => {
    const expected: Record<string, string[]> = {
      'handle-failures': ['circuit-breaker', 'retry-backoff', 'bulkhead', 'timeout'],
      scale: ['sharding', 'load-balancing', 'caching', 'auto-scaling'],
      'distributed-transactions': ['saga', 'two-phase-commit', 'event-sourcing', 'outbox'],
      'coordinate-services': ['service-mesh', 'api-gateway', 'leader-election', 'distributed-lock'],
    };
    for (const [problem, expectedSlugs] of Object.entries(expected))
      expect(slugs(patternsForProblem(catalog, problem))).toEqual(expect.arrayContaining(expectedSlugs));
  });

  it('offers the three guide learning paths in order, plus at least two more', () => {
    const bySlugs = catalog.learningPaths.map((p) => p.slugs.join(' > '));
    expect(bySlugs).toContain('timeout > retry-backoff > circuit-breaker > bulkhead');
    expect(bySlugs).toContain('sharding > leader-follower > event-sourcing > cqrs');
    expect(bySlugs).toContain('api-gateway > service-discovery > load-balancing > service-mesh');
    expect(catalog.learningPaths.length).toBeGreaterThanOrEqual(5);
    expect(learningPathsOf(catalog, 'timeout').map((p) => p.id)).toContain('resilience-engineering');
  });

  it('uses the guide’s difficulty levels where it gives them', () => {
    const expected: Record<string, string[]> = {
      beginner: ['timeout', 'retry-backoff', 'health-check', 'load-balancing'],
      intermediate: ['circuit-breaker', 'api-gateway', 'caching', 'sharding'],
      advanced: ['service-mesh', 'event-sourcing', 'crdt', 'saga'],
    };
    for (const level of DIFFICULTIES)
      for (const slug of expected[level]!) expect(findPattern(catalog, slug)?.difficulty, slug).toBe(level);
  });

  it('marks exactly the five popular patterns, and two-phase commit as legacy', () => {
    expect(slugs(catalog.patterns.filter((p) => p.popular)).sort()).toEqual(
      ['api-gateway', 'circuit-breaker', 'event-sourcing', 'saga', 'service-mesh'].sort(),
    );
    expect(findPattern(catalog, 'two-phase-commit')?.status).toBe('legacy');
  });

  it('points implemented patterns at subpaths the core package really exports', () => {
    const corePackage = JSON.parse(
      readFileSync(new URL('../packages/core/package.json', import.meta.url), 'utf8'),
    ) as { exports: Record<string, unknown> };
    const implemented = catalog.patterns.filter((p) => p.toolkit.implemented);
    expect(implemented.length).toBeGreaterThanOrEqual(5);
    for (const pattern of implemented) {
      if (!pattern.toolkit.implemented) continue;
      const subpath = pattern.toolkit.importPath.replace(/^@keel\/core/, '.');
      expect(Object.keys(corePackage.exports), pattern.slug).toContain(subpath);
    }
  });
});

describe('toolkit status agrees with the pages', () => {
  // A page says plainly when the toolkit lacks the pattern; the catalog must agree.
  const absent = /does not implement [^.]*\byet\b/i;
  it.each(catalog.patterns.map((p) => [p.slug, p.toolkit.implemented] as const))(
    '%s (implemented: %s)',
    (slug, implemented) => {
      const path = new URL(`./${slug}/pattern.md`, import.meta.url);
      if (!existsSync(path)) return;
      expect(absent.test(readFileSync(path, 'utf8'))).toBe(!implemented);
    },
  );
});

describe('integrity checker', () => {
  const broken = (mutate: (data: any) => void): Catalog => {
    const data = rawCatalog();
    mutate(data);
    return data as Catalog;
  };

  it('reports a self-relation', () => {
    const issues = checkCatalogIntegrity(
      broken((d) =>
        d.patterns[0].relations.push({ type: 'complements', target: d.patterns[0].slug, note: 'x' }),
      ),
    );
    expect(issues.some((i) => i.includes('relates to itself'))).toBe(true);
  });

  it('reports an unknown relation target and an unknown learning-path entry', () => {
    const issues = checkCatalogIntegrity(
      broken((d) => {
        d.patterns[0].relations[0].target = 'no-such-pattern';
        d.learningPaths[0].slugs.push('another-missing-one');
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringContaining('unknown pattern "no-such-pattern"'),
        expect.stringContaining('unknown pattern "another-missing-one"'),
      ]),
    );
  });

  it('reports a problem no pattern answers and a pattern naming an unknown problem', () => {
    const issues = checkCatalogIntegrity(
      broken((d) => {
        d.problems.push({
          id: 'orphan',
          title: 'Who answers this?',
          description: 'Nobody does, on purpose.',
        });
        d.patterns[4].problems.push('not-a-problem');
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringContaining('problem "orphan" leads to no pattern'),
        expect.stringContaining('unknown problem "not-a-problem"'),
      ]),
    );
  });

  it('reports duplicate slugs and repeated relations', () => {
    const issues = checkCatalogIntegrity(
      broken((d) => {
        d.patterns[1].slug = d.patterns[0].slug;
        d.patterns[2].relations.push({ ...d.patterns[2].relations[0] });
      }),
    );
    expect(issues.some((i) => i.startsWith('duplicate pattern slug'))).toBe(true);
    expect(issues.some((i) => i.includes('repeats relation'))).toBe(true);
  });

  it('makes parseCatalog throw a CatalogError carrying the issues', () => {
    const data = rawCatalog();
    data.learningPaths[1].slugs[0] = 'missing';
    try {
      parseCatalog(data);
      expect.unreachable();
    } catch (error) {
      expect(isCatalogError(error)).toBe(true);
      expect((error as CatalogError).issues).toHaveLength(1);
      expect((error as CatalogError).code).toBe('KEEL_INVALID_CATALOG');
    }
  });

  it('guards CatalogError by code, rejecting other errors', () => {
    expect(isCatalogError(new CatalogError(['x']))).toBe(true);
    expect(isCatalogError(new TimeoutError(10))).toBe(false);
    expect(isCatalogError(new Error('plain'))).toBe(false);
    expect(isCatalogError(undefined)).toBe(false);
  });
});

// --- pattern pages -------------------------------------------------------------------------

const SECTIONS = [
  'Problem',
  'Solution',
  'Implementation',
  'Trade-offs',
  'Use cases',
  'Related patterns',
  'Case studies',
];

interface Page {
  frontMatter: Record<string, unknown>;
  /** H2 headings outside code fences, in order. */
  headings: string[];
  /** Body of each H2 section by heading. */
  sections: Map<string, string>;
}

function readPage(slug: string): Page {
  const text = readFileSync(new URL(`./${slug}/pattern.md`, import.meta.url), 'utf8').replace(/\r\n/g, '\n');
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (match === null) throw new Error(`${slug}/pattern.md has no YAML front matter`);
  const frontMatter = parseYaml(match[1]!) as Record<string, unknown>;
  const headings: string[] = [];
  const sections = new Map<string, string>();
  let inFence = false;
  let current: string | undefined;
  for (const line of text.slice(match[0].length).split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^## (.+?)\s*$/.exec(line);
    if (heading) {
      current = heading[1]!;
      headings.push(current);
      sections.set(current, '');
    } else if (current !== undefined) sections.set(current, `${sections.get(current)}${line}\n`);
  }
  return { frontMatter, headings, sections };
}

describe.each(catalog.patterns.map((p) => [p.slug, p] as const))(
  'patterns/%s/pattern.md',
  (slug, pattern) => {
    const path = new URL(`./${slug}/pattern.md`, import.meta.url);

    it('exists', () => {
      expect(existsSync(path)).toBe(true);
    });

    it('has front matter agreeing with the catalog', () => {
      const { frontMatter } = readPage(slug);
      expect({
        slug: frontMatter.slug,
        title: frontMatter.title,
        summary: frontMatter.summary,
        family: frontMatter.family,
        difficulty: frontMatter.difficulty,
        tier: frontMatter.tier,
        status: frontMatter.status,
      }).toEqual({
        slug: pattern.slug,
        title: pattern.title,
        summary: pattern.summary,
        family: pattern.family,
        difficulty: pattern.difficulty,
        tier: pattern.tier,
        status: pattern.status,
      });
      // Problems, relations and learning paths live only in the catalog, never copied here.
      expect(Object.keys(frontMatter).sort()).toEqual(
        ['slug', 'title', 'summary', 'family', 'difficulty', 'tier', 'status', 'tags'].sort(),
      );
    });

    it('has the seven template sections as H2 headings, once each, in order', () => {
      const { headings } = readPage(slug);
      expect(headings.filter((h) => SECTIONS.includes(h))).toEqual(SECTIONS);
    });

    it('links only to patterns that exist', () => {
      const { sections } = readPage(slug);
      const known = new Set(slugs(catalog.patterns));
      const all = [...sections.values()].join('\n');
      for (const link of all.matchAll(/\]\(\.\.\/([a-z0-9-]+)\/pattern\.md(?:#[^)]*)?\)/g))
        expect(known.has(link[1]!), `link to ${link[1]}`).toBe(true);
    });

    it('names every related pattern of the catalog under Related patterns', () => {
      const related = (readPage(slug).sections.get('Related patterns') ?? '').toLowerCase();
      for (const relation of pattern.relations) {
        const target = findPattern(catalog, relation.target)!;
        const names = [`../${target.slug}/pattern.md`, target.title, ...(target.aliases ?? [])];
        expect(
          names.some((name) => related.includes(name.toLowerCase())),
          `Related patterns should link ../${target.slug}/pattern.md or name "${target.title}"`,
        ).toBe(true);
      }
    });
  },
);
