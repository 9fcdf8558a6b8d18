import { defineConfig } from 'vitest/config';

// The site's tests run against the built output in site/dist (`npm test` builds it first).
export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ['source', 'module', 'node', 'import', 'default'] },
  ssr: {
    resolve: {
      conditions: ['source', 'module', 'node', 'import', 'default'],
      externalConditions: ['source'],
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The browser tests are the heavy part; running files one after another keeps two cores usable.
    fileParallelism: false,
  },
});
