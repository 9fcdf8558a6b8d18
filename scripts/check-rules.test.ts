import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = new URL('./check-rules.mjs', import.meta.url).pathname;

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'keel-rules-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const run = (root: string) => spawnSync(process.execPath, [script, root], { encoding: 'utf8' });

describe('architecture rule checker', () => {
  it('accepts injected time, method definitions, doc examples and tests', () => {
    const result = run(
      tree({
        'packages/core/src/a/a.ts': [
          "import { x } from './x.js';",
          '/** @example',
          " * import { y } from '@keel/core/y';",
          ' * setTimeout(() => {}, 1);',
          ' */',
          'clock.setTimeout(() => {}, 1);',
          'const c = { setTimeout(callback: () => void, ms: number): void {} };',
        ].join('\n'),
        'packages/core/src/a/a.test.ts':
          "import { it } from 'vitest';\nsetTimeout(() => {}, 1);\nDate.now();",
        'packages/redis/src/index.ts': "import Redis from 'ioredis';\nrandom.next();",
      }),
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('rejects direct time and chance, and outside imports in core', () => {
    const result = run(
      tree({
        'packages/core/src/a/a.ts': "import { readFile } from 'node:fs';\nconst t = Date.now();",
        'packages/redis/src/index.ts':
          'globalThis.setTimeout(() => {}, 1);\nconst r = Math.random();\nsetInterval(f, 5);',
      }),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('packages/core/src/a/a.ts: imports "node:fs"');
    expect(result.stderr).toContain('packages/core/src/a/a.ts:2: calls Date.now');
    expect(result.stderr).toContain('packages/redis/src/index.ts:1: calls setTimeout');
    expect(result.stderr).toContain('packages/redis/src/index.ts:2: calls Math.random');
    expect(result.stderr).toContain('packages/redis/src/index.ts:3: calls setInterval');
  });
});
