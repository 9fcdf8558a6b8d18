/**
 * The pattern diagrams are drawn ahead of the build and committed as SVG named after a hash of
 * their Mermaid source. These tests keep the drawings in step with the pages: every block has a
 * drawing of its current source (a changed diagram cannot ship with its old picture), every
 * drawing is still used, drawings never share an element id, and the built pages show them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DIAGRAMS_DIR,
  diagramHash,
  diagramId,
  mermaidBlocks,
  PATTERNS_DIR,
  patternDiagrams,
} from '../src/lib/diagrams.mjs';
import { DIST, requireBuild } from './built-site';

const REDRAW = 'run `npm run diagrams -w @keel/site` and commit site/src/diagrams';
const diagrams = patternDiagrams();
const committed = readdirSync(DIAGRAMS_DIR).filter((name) => name.endsWith('.svg'));
const svgOf = (hash: string) => readFileSync(join(DIAGRAMS_DIR, `${hash}.svg`), 'utf8');
const idsIn = (markup: string) => [...markup.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);

describe('committed diagram drawings', () => {
  it('finds every Mermaid block of the pattern pages', () => {
    let fences = 0;
    for (const slug of readdirSync(PATTERNS_DIR)) {
      const file = join(PATTERNS_DIR, slug, 'pattern.md');
      if (existsSync(file)) fences += (readFileSync(file, 'utf8').match(/^```mermaid/gm) ?? []).length;
    }
    expect(fences).toBeGreaterThan(0);
    expect(diagrams.length).toBe(fences);
  });

  it('has a drawing of the current source of every block', () => {
    const missing = diagrams
      .filter((d) => !committed.includes(`${d.hash}.svg`))
      .map((d) => `${d.slug} (${d.hash}.svg)`);
    expect(missing, `diagrams without a current drawing: ${REDRAW}`).toEqual([]);
  });

  it('keeps no drawing that no block uses', () => {
    const used = new Set(diagrams.map((d) => `${d.hash}.svg`));
    expect(
      committed.filter((name) => !used.has(name)),
      `drawings of sources no page has: ${REDRAW}`,
    ).toEqual([]);
  });

  it('scopes every id of a drawing under its own id, and every reference resolves inside it', () => {
    const seen = new Map<string, string>();
    for (const { slug, hash } of diagrams) {
      const svg = svgOf(hash);
      const ids = idsIn(svg);
      expect(svg.startsWith(`<svg id="${diagramId(hash)}"`), slug).toBe(true);
      for (const id of ids) {
        expect(id.startsWith(diagramId(hash)), `${slug}: ${id}`).toBe(true);
        expect(seen.get(id), `${slug}: ${id} also in another drawing`).toBeUndefined();
        seen.set(id, slug);
      }
      // Markers and other referenced parts are found inside the same drawing.
      const own = new Set(ids);
      const references = [...svg.matchAll(/(?:href="|url\()#([^")]+)/g)].map((m) => m[1]!);
      const dangling = references.filter((r) => !own.has(r) && !/-gradient$/.test(r));
      expect(dangling, slug).toEqual([]);
    }
  });

  it('hashes the source as the page has it, whatever the line endings and surrounding space', () => {
    const source = 'flowchart LR\n  A --> B';
    expect(diagramHash(`\n${source.replace(/\n/g, '\r\n')}  \n`)).toBe(diagramHash(source));
    expect(diagramHash(`${source} --> C`)).not.toBe(diagramHash(source));
    expect(diagramHash(source)).toMatch(/^[0-9a-f]{16}$/);
    expect(mermaidBlocks(`# T\n\n\`\`\`mermaid\n${source}\n\`\`\`\n\n\`\`\`ts\nx\n\`\`\`\n`)).toEqual([
      source,
    ]);
  });
});

describe('diagrams on the built pages', () => {
  beforeAll(requireBuild);

  it('shows each block as its drawing, a labelled image, never the text fallback', () => {
    for (const { slug, hash } of diagrams) {
      const html = readFileSync(join(DIST, 'patterns', slug, 'index.html'), 'utf8');
      const figure = html.slice(html.indexOf('<figure class="diagram'), html.indexOf('</figure>') + 9);
      expect(figure, slug).toContain(`id="${diagramId(hash)}"`);
      expect(figure, slug).toMatch(/<svg role="img" aria-label="[^"]+"/);
      expect(figure, slug).toContain('<details class="diagram-text">');
      expect(html, slug).not.toContain('<figure class="diagram"><pre');
    }
  });

  it('gives no two elements of a pattern page the same id', () => {
    for (const slug of new Set(diagrams.map((d) => d.slug))) {
      const ids = idsIn(readFileSync(join(DIST, 'patterns', slug, 'index.html'), 'utf8'));
      const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
      expect(repeated, slug).toEqual([]);
    }
  });
});
