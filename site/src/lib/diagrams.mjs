// The pattern pages' Mermaid diagrams are drawn ahead of the build (scripts/render-diagrams.mjs)
// and committed as SVG files named after a hash of their source, so the build itself needs no
// browser engine and a changed diagram cannot silently reuse an old drawing.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the committed drawings live: `site/src/diagrams/<hash>.svg`. */
export const DIAGRAMS_DIR = fileURLToPath(new URL('../diagrams/', import.meta.url));
/** The pattern pages: `patterns/<slug>/pattern.md`. */
export const PATTERNS_DIR = fileURLToPath(new URL('../../../patterns/', import.meta.url));

/** The source as it is hashed: line endings unified, surrounding blank space dropped. */
export const normalizeDiagram = (source) => source.replace(/\r\n?/g, '\n').trim();

/** The first 16 hex digits of the SHA-256 of the normalized source: the drawing's file name. */
export const diagramHash = (source) =>
  createHash('sha256').update(normalizeDiagram(source)).digest('hex').slice(0, 16);

/** The element id a drawing carries; unique per diagram because the hash is. */
export const diagramId = (hash) => `diagram-${hash}`;

/** Every fenced ```mermaid block of a Markdown text, in order. */
export function mermaidBlocks(markdown) {
  const blocks = [];
  const fence = /^(`{3,}|~{3,})[ \t]*mermaid[ \t]*\n([\s\S]*?)\n\1[ \t]*$/gm;
  for (const match of markdown.replace(/\r\n?/g, '\n').matchAll(fence))
    blocks.push(normalizeDiagram(match[2]));
  return blocks;
}

/** Every Mermaid block of every pattern page, with the page it comes from and its hash. */
export function patternDiagrams(patternsDir = PATTERNS_DIR) {
  const found = [];
  for (const slug of readdirSync(patternsDir).sort()) {
    const file = join(patternsDir, slug, 'pattern.md');
    if (!existsSync(file)) continue;
    for (const source of mermaidBlocks(readFileSync(file, 'utf8')))
      found.push({ slug, file, source, hash: diagramHash(source) });
  }
  return found;
}

/** The committed drawing for a source, or undefined when there is none. */
export function committedDiagram(source, dir = DIAGRAMS_DIR) {
  const file = join(dir, `${diagramHash(source)}.svg`);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/**
 * A digest of every committed drawing. Astro keeps rendered pages between builds until its
 * configuration changes; passing this digest to the remark plugin as an option makes a new or
 * redrawn diagram count as a change.
 */
export function drawingsDigest(dir = DIAGRAMS_DIR) {
  const hash = createHash('sha256');
  if (existsSync(dir))
    for (const name of readdirSync(dir).sort())
      if (name.endsWith('.svg')) hash.update(name).update(readFileSync(join(dir, name)));
  return hash.digest('hex').slice(0, 16);
}
