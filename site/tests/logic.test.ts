/**
 * The guide tools' logic, tested without a browser: selector, quiz generation and drawing, the
 * graph layout, and the Markdown rewriting of pattern pages.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Catalog, loadCatalog } from '../../patterns/catalog';
import { HANDWRITTEN_QUESTIONS } from '../src/data/quiz';
import { forceLayout } from '../src/lib/graph-layout';
import { allQuestions, drawSitting, generateQuestions, QUESTIONS_PER_SITTING } from '../src/lib/quiz';
import {
  describeMermaid,
  drawnDiagram,
  remarkPatternLinks,
  rewritePatternLink,
} from '../src/lib/remark-pattern-links.mjs';
import {
  answersFromParams,
  answersToParams,
  DEFAULT_ANSWERS,
  type SelectorAnswers,
  selectPatterns,
} from '../src/lib/selector';

const catalog: Catalog = loadCatalog();

describe('selector', () => {
  it('suggests at least one pattern for every problem with the default answers', () => {
    for (const problem of catalog.problems) {
      const { suggestions, excluded } = selectPatterns(catalog, { ...DEFAULT_ANSWERS, problem: problem.id });
      expect(suggestions.length, problem.id).toBeGreaterThan(0);
      for (const s of suggestions) {
        expect(s.pattern.problems).toContain(problem.id);
        expect(s.reasons[0]).toContain(problem.title);
      }
      // Only legacy patterns are held back by default.
      for (const e of excluded) expect(e.constraint).toBe('legacy');
    }
  });

  it('never suggests a pattern that breaks a constraint, and accounts for every candidate', () => {
    const answers = fc.record({
      problem: fc.constantFrom(...catalog.problems.map((p) => p.id)),
      infra: fc.constantFrom('none' as const, 'any' as const),
      ops: fc.constantFrom('low' as const, 'medium' as const, 'high' as const),
      latency: fc.constantFrom('none' as const, 'low' as const, 'any' as const),
      consistency: fc.constantFrom('strong' as const, 'any' as const),
      legacy: fc.boolean(),
    });
    fc.assert(
      fc.property(answers, (a: SelectorAnswers) => {
        const { suggestions, excluded } = selectPatterns(catalog, a);
        const candidates = catalog.patterns.filter((p) => p.problems.includes(a.problem));
        expect(suggestions.length + excluded.length).toBe(candidates.length);
        for (const { pattern: p } of suggestions) {
          if (a.infra === 'none') expect(p.comparison.infrastructure).toEqual(['none']);
          if (a.ops === 'low') expect(p.comparison.operationalComplexity).toBe('low');
          if (a.consistency === 'strong')
            expect(['eventual', 'strong-eventual', 'causal']).not.toContain(p.comparison.consistencyModel);
          if (!a.legacy) expect(p.status).not.toBe('legacy');
          if (a.latency === 'none') expect(['none', 'reduces']).toContain(p.comparison.latencyCost);
        }
      }),
    );
  });

  it('ranks gold patterns before silver and bronze ones', () => {
    const { suggestions } = selectPatterns(catalog, { ...DEFAULT_ANSWERS, problem: 'scale', legacy: true });
    const ranks = suggestions.map((s) => ['gold', 'silver', 'bronze'].indexOf(s.pattern.tier));
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
  });

  it('round-trips answers through the URL and ignores unknown values', () => {
    const answers: SelectorAnswers = {
      problem: 'scale',
      infra: 'none',
      ops: 'medium',
      latency: 'low',
      consistency: 'strong',
      legacy: true,
    };
    expect(answersFromParams(answersToParams(answers), catalog)).toEqual(answers);
    expect(answersToParams({ ...DEFAULT_ANSWERS, problem: 'scale' }).toString()).toBe('problem=scale');
    expect(answersFromParams(new URLSearchParams('problem=nope'), catalog)).toBeUndefined();
    expect(answersFromParams(new URLSearchParams('problem=scale&ops=huge'), catalog)?.ops).toBe(
      DEFAULT_ANSWERS.ops,
    );
  });
});

describe('quiz', () => {
  const questions = allQuestions(catalog, HANDWRITTEN_QUESTIONS);

  it('has at least ten hand-written questions and generated ones from problems and relations', () => {
    expect(HANDWRITTEN_QUESTIONS.length).toBeGreaterThanOrEqual(10);
    const generated = generateQuestions(catalog);
    expect(generated.some((q) => q.id.startsWith('problem-'))).toBe(true);
    expect(generated.some((q) => q.id.startsWith('alternative-'))).toBe(true);
    expect(generated.some((q) => q.id.startsWith('fixes-'))).toBe(true);
  });

  it('gives every question unique options, a valid answer and links to real pages', () => {
    const slugs = new Set(catalog.patterns.map((p) => p.slug));
    expect(new Set(questions.map((q) => q.id)).size).toBe(questions.length);
    for (const q of questions) {
      expect(q.options.length, q.id).toBeGreaterThanOrEqual(2);
      expect(new Set(q.options).size, q.id).toBe(q.options.length);
      expect(q.answer).toBeGreaterThanOrEqual(0);
      expect(q.answer).toBeLessThan(q.options.length);
      expect(q.links.length).toBeGreaterThan(0);
      for (const slug of q.links) expect(slugs.has(slug), `${q.id} links ${slug}`).toBe(true);
    }
  });

  it('generates right answers that the catalog supports', () => {
    for (const q of generateQuestions(catalog)) {
      const right = catalog.patterns.find((p) => p.title === q.options[q.answer])!;
      if (q.id.startsWith('problem-')) {
        const problem = q.id.slice('problem-'.length);
        expect(right.problems).toContain(problem);
        for (const [i, title] of q.options.entries())
          if (i !== q.answer)
            expect(catalog.patterns.find((p) => p.title === title)!.problems).not.toContain(problem);
      } else if (q.id.startsWith('alternative-')) {
        const target = catalog.patterns.find(
          (p) =>
            q.prompt.includes(p.title) &&
            right.relations.some((r) => r.target === p.slug && r.type === 'alternative-to'),
        );
        expect(target, q.id).toBeDefined();
      }
    }
  });

  it('draws sittings without repeats and prefers unseen questions', () => {
    const ids = questions.map((q) => q.id);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.subarray(ids), (seed, asked) => {
        const sitting = drawSitting(ids, new Set(asked), seed);
        expect(sitting).toHaveLength(QUESTIONS_PER_SITTING);
        expect(new Set(sitting).size).toBe(sitting.length);
        const unseen = ids.length - asked.length;
        const fresh = sitting.filter((id) => !asked.includes(id)).length;
        expect(fresh).toBe(Math.min(unseen, QUESTIONS_PER_SITTING));
      }),
    );
  });
});

describe('graph layout', () => {
  const nodes = catalog.patterns.map((p) => ({ id: p.slug, group: p.family }));
  const edges = catalog.patterns.flatMap((p) =>
    p.relations.map((r) => ({ source: p.slug, target: r.target })),
  );

  it('places every node inside the box, apart from the others, the same way every time', () => {
    const box = { width: 960, height: 680, padding: 40 };
    const layout = forceLayout(nodes, edges, box);
    expect(layout.size).toBe(nodes.length);
    const points = [...layout.values()];
    for (const p of points) {
      expect(p.x).toBeGreaterThanOrEqual(box.padding);
      expect(p.x).toBeLessThanOrEqual(box.width - box.padding);
      expect(p.y).toBeGreaterThanOrEqual(box.padding);
      expect(p.y).toBeLessThanOrEqual(box.height - box.padding);
    }
    for (let i = 0; i < points.length; i++)
      for (let j = i + 1; j < points.length; j++)
        expect(Math.hypot(points[i]!.x - points[j]!.x, points[i]!.y - points[j]!.y)).toBeGreaterThan(20);
    expect([...forceLayout(nodes, edges, box)]).toEqual([...layout]);
  });

  it('keeps a family closer together than the graph as a whole', () => {
    const layout = forceLayout(nodes, edges, { width: 960, height: 680 });
    const spread = (ids: string[]) => {
      const ps = ids.map((id) => layout.get(id)!);
      const cx = ps.reduce((s, p) => s + p.x, 0) / ps.length;
      const cy = ps.reduce((s, p) => s + p.y, 0) / ps.length;
      return ps.reduce((s, p) => s + Math.hypot(p.x - cx, p.y - cy), 0) / ps.length;
    };
    const all = spread(nodes.map((n) => n.id));
    for (const family of catalog.families)
      expect(spread(nodes.filter((n) => n.group === family.id).map((n) => n.id)), family.id).toBeLessThan(
        all,
      );
  });
});

describe('pattern page Markdown', () => {
  it('turns links between pattern files into site links and leaves others alone', () => {
    expect(rewritePatternLink('../saga/pattern.md')).toBe('/patterns/saga/');
    expect(rewritePatternLink('../saga/pattern.md#trade-offs')).toBe('/patterns/saga/#trade-offs');
    expect(rewritePatternLink('https://example.org/x.md')).toBe('https://example.org/x.md');
    expect(rewritePatternLink('#problem')).toBe('#problem');
  });

  it('renders a Mermaid block without a drawing as captioned, focusable, escaped text, and warns', () => {
    const tree = {
      type: 'root',
      children: [
        { type: 'code', lang: 'mermaid', value: 'flowchart LR\n  A -->|x<y| B' },
        { type: 'paragraph', children: [{ type: 'link', url: '../cqrs/pattern.md', children: [] }] },
      ],
    } as any;
    const warnings: string[] = [];
    remarkPatternLinks({ findDrawing: () => undefined, warn: (m: string) => warnings.push(m) })(tree, {
      path: 'patterns/x/pattern.md',
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('patterns/x/pattern.md');
    expect(warnings[0]).toContain('npm run diagrams');
    expect(tree.children[0].type).toBe('html');
    expect(tree.children[0].value).toContain('tabindex="0"');
    expect(tree.children[0].value).toContain('x&lt;y');
    expect(tree.children[0].value).toContain('Flowchart, read left to right');
    expect(tree.children[1].children[0].url).toBe('/patterns/cqrs/');
    expect(describeMermaid('sequenceDiagram\n A->>B: hi')).toBe('Sequence diagram, in Mermaid notation');
  });

  it('inlines the drawing of a Mermaid block as one labelled image, with the source folded beneath', () => {
    const source = 'sequenceDiagram\n  A->>B: a<b';
    const svg =
      '<svg id="diagram-1" role="graphics-document document" aria-roledescription="sequence"><g/></svg>\n';
    const tree = { type: 'root', children: [{ type: 'code', lang: 'mermaid', value: source }] } as any;
    const warnings: string[] = [];
    remarkPatternLinks({
      findDrawing: (s: string) => (s === source ? svg : undefined),
      warn: (m: string) => warnings.push(m),
    })(tree);
    const html: string = tree.children[0].value;
    expect(warnings).toEqual([]);
    expect(
      html.startsWith('<figure class="diagram diagram-drawn"><svg role="img" aria-label="Sequence diagram'),
    ).toBe(true);
    expect(html).not.toContain('graphics-document');
    expect(html).not.toContain('aria-roledescription');
    expect(html).toContain('<figcaption>Sequence diagram</figcaption>');
    expect(html).toMatch(/<details class="diagram-text"><summary>[^<]+<\/summary><pre[^>]*tabindex="0"/);
    expect(html).toContain('A-&gt;&gt;B: a&lt;b');
    expect(drawnDiagram('flowchart TB\n A --> B', svg)).toContain(
      'aria-label="Flowchart, read top to bottom',
    );
  });
});
