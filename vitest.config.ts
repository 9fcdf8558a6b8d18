import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Workspace packages resolve to their TypeScript sources, so tests never run stale builds.
    conditions: ['source', 'module', 'node', 'development'],
  },
  ssr: {
    // Tests run in the SSR environment, which has its own conditions. Only 'source' is added:
    // Node also receives these for external packages, and an 'import' there would make
    // require() load ESM builds of CommonJS dependencies (pg-pool).
    resolve: { conditions: ['source', 'node'], externalConditions: ['source'] },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'patterns/**/*.test.ts',
      'scripts/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    fileParallelism: true,
  },
});
