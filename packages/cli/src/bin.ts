#!/usr/bin/env node
import { writeFile } from 'node:fs/promises';
import { type ScenarioRegistry, scenarios } from '@keel/sim';
import { main } from './main.js';

interface PatternIndex {
  readonly registry: ScenarioRegistry;
  readonly mainSeries?: Readonly<Record<string, readonly string[]>>;
}

// The scenarios live in the repository's patterns/ folder, which is TypeScript outside any
// package; src/ and dist/ sit at the same depth, so one relative address serves both.
const patternIndex = new URL('../../../patterns/scenarios.ts', import.meta.url);

/**
 * Loads the pattern scenarios. Under tsx (running from source) the TypeScript file imports as is;
 * from the build under plain Node it goes through tsx's loader, present in this repository. With
 * neither, the default registry is used as it stands (scenarios registered by other imports).
 */
async function loadPatterns(): Promise<PatternIndex> {
  try {
    return (await import(patternIndex.href)) as PatternIndex;
  } catch (direct) {
    if ((direct as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') {
      if ((direct as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') return { registry: scenarios };
      throw direct;
    }
    try {
      const tsx = (await import('tsx/esm/api')) as {
        tsImport(specifier: string, parent: string): Promise<unknown>;
      };
      return (await tsx.tsImport(patternIndex.href, import.meta.url)) as PatternIndex;
    } catch {
      process.stderr.write('keel: cannot load patterns/scenarios.ts without tsx; no scenarios registered\n');
      return { registry: scenarios };
    }
  }
}

const patterns = await loadPatterns();
process.exitCode = await main(process.argv.slice(2), {
  registry: patterns.registry,
  ...(patterns.mainSeries ? { mainSeries: patterns.mainSeries } : {}),
  io: {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    writeFile: (path, text) => writeFile(path, text, 'utf8'),
    interactive: process.stderr.isTTY === true,
  },
});
