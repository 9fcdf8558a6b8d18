#!/usr/bin/env node
// The `keel` command. Runs the built CLI; in a checkout that has not been built yet, runs the
// TypeScript sources through tsx instead, so `npx keel` works straight after `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/bin.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const source = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
  const run = spawnSync(process.execPath, [tsx, '--conditions=source', source, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exitCode = run.status ?? 1;
}
