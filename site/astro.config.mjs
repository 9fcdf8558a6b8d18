// The site is generated from patterns/catalog.json and patterns/<slug>/pattern.md: nothing about
// a pattern is written twice. The sidebar below is built from the catalog too.
import { readFileSync } from 'node:fs';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import { drawingsDigest } from './src/lib/diagrams.mjs';
import { rehypeFocusableTables } from './src/lib/rehype-focusable-tables.mjs';
import { remarkPatternLinks } from './src/lib/remark-pattern-links.mjs';

const catalog = JSON.parse(readFileSync(new URL('../patterns/catalog.json', import.meta.url), 'utf8'));

const sidebar = [
  {
    label: 'Find a pattern',
    items: [
      { label: 'All patterns', link: '/patterns/' },
      { label: 'By category', link: '/categories/' },
      { label: 'By problem', link: '/problems/' },
      { label: 'By difficulty', link: '/difficulty/' },
      { label: 'Most popular', link: '/popular/' },
      { label: 'Learning paths', link: '/paths/' },
      { label: 'About the catalog', link: '/about/' },
    ],
  },
  {
    label: 'Guide tools',
    items: [
      { label: 'Pattern selector', link: '/selector/' },
      { label: 'Comparison matrix', link: '/compare/' },
      { label: 'Quiz', link: '/quiz/' },
      { label: 'Relationships graph', link: '/graph/' },
    ],
  },
  ...catalog.families.map((family) => ({
    label: family.title,
    collapsed: true,
    items: catalog.patterns
      .filter((p) => p.family === family.id)
      .map((p) => ({ label: p.title, link: `/patterns/${p.slug}/` })),
  })),
];

export default defineConfig({
  site: 'http://localhost',
  trailingSlash: 'always',
  integrations: [
    starlight({
      title: 'Keel patterns',
      description: 'Distributed-systems patterns with tested TypeScript and live simulations.',
      sidebar,
      customCss: ['./src/styles/site.css'],
      pagination: true,
      lastUpdated: false,
    }),
  ],
  markdown: {
    // The digest is unused by the plugin; it is there so that redrawn diagrams refresh the pages
    // Astro keeps between builds (it compares the serialised configuration).
    remarkPlugins: [[remarkPatternLinks, { drawings: drawingsDigest() }]],
    rehypePlugins: [rehypeFocusableTables],
  },
  vite: {
    // Workspace packages resolve to their TypeScript sources, as in the repository's tests.
    resolve: { conditions: ['source', 'module', 'browser', 'import', 'default'] },
    ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] }, noExternal: [/^@keel\//] },
    build: { chunkSizeWarningLimit: 1024 },
  },
});
