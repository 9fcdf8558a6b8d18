/**
 * The generated pages carry what the catalog says: every pattern page has the seven sections,
 * its facts and relations as links, its neighbours, and a simulation exactly when the pattern
 * has a scenario; the indexes list every pattern where it belongs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../patterns/catalog';
import { DIST, requireBuild, simulatedSlugs } from './built-site';

const catalog = loadCatalog();
const page = (path: string) => readFileSync(join(DIST, path, 'index.html'), 'utf8');
/** The page's main content, without the sidebar (which links every pattern) and pagination. */
const main = (html: string) =>
  html.slice(html.indexOf('<main'), html.indexOf('</main>')).split('class="pagination-links"')[0]!;
const SECTIONS = [
  'problem',
  'solution',
  'implementation',
  'trade-offs',
  'use-cases',
  'related-patterns',
  'case-studies',
];

describe('generated pages', () => {
  beforeAll(requireBuild);

  it('gives every pattern a page with the seven sections, its facts, relations and neighbours', () => {
    const simulated = simulatedSlugs();
    catalog.patterns.forEach((p, i) => {
      const html = page(`patterns/${p.slug}`);
      for (const id of SECTIONS) expect(html, `${p.slug} #${id}`).toContain(`<h2 id="${id}"`);
      expect(html).toContain(`href="/categories/#${p.family}"`);
      expect(html).toContain(`href="/difficulty/#${p.difficulty}"`);
      for (const problem of p.problems) expect(html).toContain(`href="/problems/#${problem}"`);
      for (const r of p.relations)
        expect(html, `${p.slug} -> ${r.target}`).toContain(`href="/patterns/${r.target}/"`);
      expect(html.includes('rel="prev"'), p.slug).toBe(i > 0);
      expect(html.includes('rel="next"'), p.slug).toBe(i < catalog.patterns.length - 1);
      expect(html.includes('class="sim not-content"'), p.slug).toBe(simulated.has(p.slug));
      // Links between pattern files were rewritten to pages.
      expect(html).not.toMatch(/href="[^"]*pattern\.md/);
    });
  });

  it('lists every pattern in the indexes it belongs to', () => {
    const categories = main(page('categories'));
    const problems = main(page('problems'));
    const difficulty = main(page('difficulty'));
    const all = main(page('patterns'));
    for (const p of catalog.patterns) {
      expect(all).toContain(`href="/patterns/${p.slug}/"`);
      const section = (html: string, id: string) =>
        html.slice(html.indexOf(`<h2 id="${id}"`)).split('<h2 id=')[1] ?? '';
      expect(section(categories, p.family)).toContain(`href="/patterns/${p.slug}/"`);
      expect(section(difficulty, p.difficulty)).toContain(`href="/patterns/${p.slug}/"`);
      for (const problem of p.problems)
        expect(section(problems, problem)).toContain(`href="/patterns/${p.slug}/"`);
    }
    const popular = main(page('popular'));
    for (const p of catalog.patterns)
      expect(popular.includes(`href="/patterns/${p.slug}/"`), p.slug).toBe(p.popular);
    const paths = main(page('paths'));
    expect(catalog.learningPaths.length).toBe(6);
    for (const path of catalog.learningPaths) {
      const list = paths.slice(paths.indexOf(`<h2 id="${path.id}"`)).split('</ol>')[0]!;
      const order = [...list.matchAll(/href="\/patterns\/([^/]+)\/"/g)].map((m) => m[1]);
      expect(order, path.id).toEqual(path.slugs);
    }
  });
});
