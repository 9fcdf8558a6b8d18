#!/usr/bin/env node
// Enforces the architecture's rules that no linter knows:
//  1. @keel/core (and @keel/sim) import nothing but their own files: no packages, no node: builtins.
//  2. Pattern code takes time and chance from the injected Clock and Random: no Date.now,
//     setTimeout, setInterval or Math.random outside the clock, random and testing modules.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
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

const banned = /\b(Date\.now|Math\.random|setTimeout|setInterval)\s*\(/;
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
      if (/^\s*\*/.test(code)) return; // TSDoc examples may show the platform API
      const hit = code.match(banned);
      if (hit && !/\.setTimeout\(/.test(code.replace(/\bglobalThis\.setTimeout/, 'X'))) {
        problems.push(
          `${relative(root, file)}:${i + 1}: calls ${hit[1]} directly; take a Clock or Random instead`,
        );
      }
    });
  }
}

if (problems.length > 0) {
  console.error(`Architecture rules violated (${problems.length}):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('Architecture rules hold: core imports only itself; patterns take time and chance by injection.');
