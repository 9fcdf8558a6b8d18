/**
 * Crawls the built site from its home page and checks every internal link and asset reference:
 * the target file must exist and a #fragment must name an element on the target page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveFile } from '../scripts/serve.mjs';
import { CATALOG, DIST, listFiles, pagePath, requireBuild } from './built-site';

const ORIGIN = 'http://site.invalid';

function references(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) out.push(m[1]!.replace(/&amp;/g, '&'));
  return out;
}

function ids(html: string): Set<string> {
  return new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
}

describe('links of the built site', () => {
  beforeAll(requireBuild);

  it('has no broken internal link or fragment, and reaches every pattern page from the home page', () => {
    const htmlCache = new Map<string, string>();
    const html = (file: string) => {
      if (!htmlCache.has(file)) htmlCache.set(file, readFileSync(file, 'utf8'));
      return htmlCache.get(file)!;
    };
    const broken: string[] = [];
    const visited = new Set<string>();
    const queue = ['/'];
    let checked = 0;
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (visited.has(path)) continue;
      visited.add(path);
      const file = resolveFile(DIST, path);
      if (!file) {
        broken.push(`${path} (crawled) does not exist`);
        continue;
      }
      if (!file.endsWith('.html')) continue;
      for (const ref of references(html(file))) {
        const url = new URL(ref, ORIGIN + path);
        if (url.origin !== ORIGIN) continue; // external links are not checked offline
        checked++;
        const target = resolveFile(DIST, url.pathname);
        if (!target) {
          broken.push(`${path} -> ${ref}`);
          continue;
        }
        if (url.hash.length > 1 && target.endsWith('.html')) {
          const id = decodeURIComponent(url.hash.slice(1));
          if (!ids(html(target)).has(id)) broken.push(`${path} -> ${ref} (no element with id "${id}")`);
        }
        if (target.endsWith('.html') && !visited.has(url.pathname)) queue.push(url.pathname);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(500);
    for (const pattern of CATALOG.patterns) expect(visited).toContain(`/patterns/${pattern.slug}/`);
  });

  it('links every built page from somewhere, so nothing is orphaned', () => {
    const pages = listFiles()
      .filter((f) => f.endsWith('.html') && f !== '404.html')
      .map(pagePath);
    const linked = new Set<string>(['/']);
    for (const file of listFiles().filter((f) => f.endsWith('.html'))) {
      const from = pagePath(file);
      for (const ref of references(readFileSync(join(DIST, file), 'utf8'))) {
        const url = new URL(ref, ORIGIN + from);
        if (url.origin === ORIGIN && url.pathname !== from) linked.add(url.pathname);
      }
    }
    expect(pages.filter((p) => !linked.has(p))).toEqual([]);
  });
});
