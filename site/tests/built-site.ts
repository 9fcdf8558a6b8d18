/** Helpers shared by the tests of the built site. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
export const CATALOG = JSON.parse(
  readFileSync(new URL('../../patterns/catalog.json', import.meta.url), 'utf8'),
) as { patterns: { slug: string; title: string }[]; problems: { id: string }[] };

/** Throws a clear message when the site has not been built. */
export function requireBuild(): void {
  if (!existsSync(join(DIST, 'index.html')))
    throw new Error(
      'site/dist is missing: run `npm run build -w @keel/site` (or `npm test -w @keel/site`) first',
    );
}

/** Every file under `dir`, as paths relative to it with forward slashes. */
export function listFiles(dir: string = DIST): string[] {
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(dir, full).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

/** The URL path of a built HTML file: `patterns/saga/index.html` becomes `/patterns/saga/`. */
export const pagePath = (file: string): string => `/${file.replace(/index\.html$/, '')}`;

/** Pattern slugs that have a live simulation (a scenario module next to their page). */
export function simulatedSlugs(): Set<string> {
  const root = fileURLToPath(new URL('../../patterns/', import.meta.url));
  return new Set(
    CATALOG.patterns.map((p) => p.slug).filter((slug) => existsSync(join(root, slug, 'scenario.ts'))),
  );
}
