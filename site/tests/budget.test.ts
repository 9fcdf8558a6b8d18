/**
 * JavaScript budget of the built pages: the gzip size of every script a page loads up front,
 * following static imports between chunks (dynamic imports are lazy and not counted). Pattern
 * pages without a simulation must stay within 50 KB; pages with one must not load the simulator
 * until it is needed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, DIST, listFiles, requireBuild, simulatedSlugs } from './built-site';

const BUDGET_BYTES = 50 * 1024;

const gz = (text: string | Buffer) => gzipSync(text, { level: 9 }).length;

/** Static import specifiers of a module (`import x from "./a.js"`, `import "./b.js"`, `export * from`). */
function staticImports(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g))
    out.push(m[1]!);
  return out;
}

/** Files a module statically depends on, itself included, as paths under dist. */
function moduleGraph(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const code = readFileSync(join(DIST, entry), 'utf8');
  for (const spec of staticImports(code)) {
    if (!spec.startsWith('.') && !spec.startsWith('/')) continue;
    const resolved = new URL(spec, `http://x/${entry}`).pathname.slice(1);
    moduleGraph(resolved, seen);
  }
  return seen;
}

export interface PageScripts {
  /** Gzip bytes of all up-front JavaScript. */
  readonly bytes: number;
  /** External script files loaded up front. */
  readonly files: readonly string[];
}

/** Measures the JavaScript a built page loads before any interaction. */
export function measurePage(path: string): PageScripts {
  const html = readFileSync(join(DIST, path, 'index.html'), 'utf8');
  const files = new Set<string>();
  let inline = 0;
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const attrs = m[1]!;
    if (/type="application\/(?:ld\+)?json"/.test(attrs)) continue;
    const src = /\ssrc="([^"]+)"/.exec(attrs)?.[1];
    if (src) {
      if (src.startsWith('/')) for (const f of moduleGraph(src.slice(1))) files.add(f);
    } else {
      inline += gz(m[2]!);
      for (const spec of staticImports(m[2]!))
        if (spec.startsWith('/')) for (const f of moduleGraph(spec.slice(1))) files.add(f);
    }
  }
  for (const m of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g))
    for (const f of moduleGraph(m[1]!.slice(1))) files.add(f);
  let bytes = inline;
  for (const f of files) bytes += gz(readFileSync(join(DIST, f)));
  return { bytes, files: [...files] };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

describe('JavaScript budget', () => {
  beforeAll(requireBuild);
  const simulated = simulatedSlugs();

  it('keeps every pattern page without a simulation within 50 KB of gzip JavaScript', () => {
    const sizes = CATALOG.patterns
      .filter((p) => !simulated.has(p.slug))
      .map((p) => ({ slug: p.slug, ...measurePage(`patterns/${p.slug}`) }));
    expect(sizes.length).toBeGreaterThan(0);
    const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    console.log(
      `[budget] pattern pages without a simulation: largest ${largest.slug} ${kb(largest.bytes)} (limit ${kb(BUDGET_BYTES)})`,
    );
    for (const size of sizes) expect(size.bytes, size.slug).toBeLessThanOrEqual(BUDGET_BYTES);
    for (const size of sizes)
      expect(
        size.files.filter((f) => /simulation|scenario|uplot/i.test(f)),
        size.slug,
      ).toEqual([]);
  });

  it('loads the simulator, the toolkit and the charts lazily on pages that have a simulation', () => {
    expect(simulated.size).toBeGreaterThan(0);
    for (const slug of simulated) {
      const html = readFileSync(join(DIST, 'patterns', slug, 'index.html'), 'utf8');
      expect(html, slug).toContain('data-scenario=');
      const page = measurePage(`patterns/${slug}`);
      console.log(`[budget] /patterns/${slug}/ up front: ${kb(page.bytes)}`);
      expect(page.bytes, slug).toBeLessThanOrEqual(BUDGET_BYTES);
      expect(
        page.files.filter((f) => /\/simulation\.|\/scenario\./.test(f)),
        slug,
      ).toEqual([]);
    }
    // What a reader downloads once a simulation scrolls into view: the widget with its charts,
    // and the scenario with the simulator and the toolkit (counted here for all scenarios at once,
    // an upper bound for any one page).
    const lazyEntries = listFiles().filter((f) => /^_astro\/(?:simulation|scenario)\.[\w-]+\.js$/.test(f));
    expect(lazyEntries.some((f) => f.includes('/simulation.'))).toBe(true);
    const lazyFiles = new Set<string>();
    for (const entry of lazyEntries) moduleGraph(entry, lazyFiles);
    const lazy = [...lazyFiles].reduce((sum, f) => sum + gz(readFileSync(join(DIST, f))), 0);
    console.log(
      `[budget] loaded on demand by a simulation (widget, charts, simulator, toolkit, scenarios): at most ${kb(lazy)}`,
    );
  });

  it('reports the other pages', () => {
    for (const path of ['', 'selector', 'compare', 'quiz', 'graph']) {
      const page = measurePage(path);
      console.log(`[budget] /${path}${path ? '/' : ''}: ${kb(page.bytes)}`);
      expect(page.bytes).toBeGreaterThan(0);
    }
  });
});
