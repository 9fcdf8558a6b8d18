// Draws every ```mermaid block of patterns/*/pattern.md to SVG with Mermaid in headless Chromium
// and writes site/src/diagrams/<hash>.svg, the files the site build inlines. Drawings whose
// source no longer appears in any pattern page are removed.
//
//   npm run diagrams -w @keel/site
//
// Mermaid is loaded from node_modules into a blank page and every request is refused, so the
// drawing needs no network. The theme, font and ids are fixed, so the same source always gives
// the same file.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DIAGRAMS_DIR, diagramId, patternDiagrams } from '../src/lib/diagrams.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const MERMAID = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');
// Liberation Sans has Arial's metrics, so labels measured here fit where Arial is used to read.
const FONT = 'Arial, "Liberation Sans", Helvetica, sans-serif';

/** Mermaid's settings: one theme, SVG text labels (no HTML inside the drawing), ids from a seed. */
const config = (seed) => ({
  startOnLoad: false,
  theme: 'neutral',
  securityLevel: 'strict',
  deterministicIds: true,
  deterministicIDSeed: seed,
  fontFamily: FONT,
  themeVariables: { fontFamily: FONT },
  htmlLabels: false,
  flowchart: { htmlLabels: false, useMaxWidth: true },
  sequence: { useMaxWidth: true },
  state: { useMaxWidth: true },
});

/** Renders each source with the given id; returns the SVG texts in order. */
async function render(diagrams) {
  const profile = mkdtempSync(join(tmpdir(), 'keel-diagrams-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body></body></html>',
    );
    await page.addScriptTag({ content: readFileSync(MERMAID, 'utf8') });
    const svgs = [];
    for (const { id, source } of diagrams) {
      const svg = await page.evaluate(
        async ({ id, source, settings }) => {
          const mermaid = /** @type {any} */ (window).mermaid;
          mermaid.initialize(settings);
          const { svg } = await mermaid.render(id, source);
          return svg;
        },
        { id, source, settings: config(id) },
      );
      svgs.push(svg);
    }
    if (errors.length > 0) throw new Error(`the page reported errors: ${errors.join('; ')}`);
    return svgs;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Ids in the drawing that do not start with its own id: they could clash with the page's. */
function foreignIds(svg, id) {
  return [...new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]))].filter(
    (found) => !found.startsWith(id),
  );
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Some diagram kinds name their elements without the diagram's id (a sequence diagram's
 * `actor0`); those ids, and every reference to them, get the diagram's id as a prefix so two
 * drawings never share an id.
 */
function scopeIds(svg, id) {
  let scoped = svg;
  for (const old of foreignIds(svg, id)) {
    const name = escapeRegExp(old);
    const renamed = `${id}-${old}`;
    scoped = scoped
      .replace(new RegExp(`(\\sid=")${name}"`, 'g'), `$1${renamed}"`)
      .replace(new RegExp(`((?:xlink:)?href="|url\\()#${name}(?=[")])`, 'g'), `$1#${renamed}`)
      .replace(new RegExp(`#${name}(?![\\w-])`, 'g'), `#${renamed}`);
  }
  return scoped;
}

async function main() {
  const found = patternDiagrams();
  const unique = [...new Map(found.map((d) => [d.hash, d])).values()];
  const svgs = await render(unique.map((d) => ({ id: diagramId(d.hash), source: d.source })));
  mkdirSync(DIAGRAMS_DIR, { recursive: true });
  const wanted = new Set();
  unique.forEach((d, i) => {
    const id = diagramId(d.hash);
    const svg = scopeIds(svgs[i], id);
    const stray = foreignIds(svg, id);
    if (stray.length > 0) throw new Error(`${d.slug}: ids outside ${id}: ${stray.slice(0, 5).join(', ')}`);
    const name = `${d.hash}.svg`;
    wanted.add(name);
    writeFileSync(join(DIAGRAMS_DIR, name), `${svg}\n`);
    console.log(`${name}  ${d.slug}`);
  });
  for (const name of readdirSync(DIAGRAMS_DIR))
    if (name.endsWith('.svg') && !wanted.has(name)) {
      unlinkSync(join(DIAGRAMS_DIR, name));
      console.log(`removed ${name} (no pattern page uses it any more)`);
    }
  console.log(`${unique.length} diagrams drawn into ${DIAGRAMS_DIR}`);
}

await main();
