#!/usr/bin/env node
// Enforces the architecture's rules that no linter knows:
//  1. @keel/core (and @keel/sim) import nothing but their own files: no packages, no node: builtins.
//  2. Pattern code takes time and chance from the injected Clock and Random: no Date.now,
//     setTimeout, setInterval or Math.random outside the clock, random and testing modules.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// The repository root, or another tree given as the first argument (the rule's own test uses one).
const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const problems = [];

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const isTest = (file) => /\.test(-d)?\.ts$/.test(file);
const importPattern =
  /(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

for (const pkg of ['core', 'sim']) {
  const dir = join(root, 'packages', pkg, 'src');
  let files = [];
  try {
    files = walk(dir);
  } catch {
    continue;
  }
  for (const file of files) {
    if (isTest(file)) continue;
    // Lines of doc comments (examples) are not code.
    const text = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
      .join('\n');
    for (const match of text.matchAll(importPattern)) {
      const spec = match[1] ?? match[2];
      const allowed = spec.startsWith('.') || (pkg === 'sim' && spec.startsWith('@keel/core'));
      if (!allowed)
        problems.push(
          `${relative(root, file)}: imports "${spec}" (only relative imports are allowed in @keel/${pkg})`,
        );
    }
  }
}

// A direct call: the bare global, or through globalThis/window/self. `clock.setTimeout(...)` and
// method definitions such as `setTimeout(callback: () => void, ms: number)` are fine.
const banned =
  /(?:^|[^.\w]|\b(?:globalThis|window|self)\.)(Date\.now|Math\.random|setTimeout|setInterval)\s*\(/;
// A first parameter with a type annotation marks a definition: no call passes `name: ...`.
const methodDefinition = /\b(?:setTimeout|setInterval)\s*\(\s*\w+\??\s*:/;
const exempt = /\/src\/(clock|random|testing)\//;
for (const pkgDir of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', pkgDir, 'src');
  let files = [];
  try {
    files = walk(dir);
  } catch {
    continue;
  }
  for (const file of files) {
    if (isTest(file) || exempt.test(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      if (/^\s*\*/.test(code) || methodDefinition.test(code)) return; // doc comments and method definitions
      const hit = code.match(banned);
      if (hit)
        problems.push(
          `${relative(root, file)}:${i + 1}: calls ${hit[1]} directly; take a Clock or Random instead`,
        );
    });
  }
}

if (problems.length > 0) {
  console.error(`Architecture rules violated (${problems.length}):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('Architecture rules hold: core imports only itself; patterns take time and chance by injection.');
