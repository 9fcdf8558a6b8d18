import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Workspace packages resolve to their TypeScript sources, so tests never run stale builds.
    conditions: ['source', 'module', 'node', 'import', 'default'],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'patterns/**/*.test.ts',
      'scripts/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    fileParallelism: true,
  },
});
