#!/usr/bin/env node
// Type-checks every `@example` of the doc comments in packages/*/src: each ```ts block becomes a
// module of its own under test-artifacts/doc-examples, where it imports the packages as a user
// would (through their built exports) and relative paths as its source file would. Run after
// `npm run build`. It also fails on any exported function, class or const whose doc comment is
// missing or has neither an `@example` nor an `@internal` tag.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `ts` code blocks that follow an `@example` tag in the doc comments of `text`, with the
 * comment's leading asterisks removed, each with the line its comment starts on. Relative imports
 * are made absolute against `sourceDir`.
 */
export function extractExamples(text, sourceDir) {
  const examples = [];
  for (const comment of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const body = comment[1]
      .split('\n')
      .map((line) => line.replace(/^\s*\* ?/, ''))
      .join('\n');
    const line = text.slice(0, comment.index).split('\n').length;
    for (const block of body.matchAll(/@example[^`]*?```(?:ts|typescript)\n([\s\S]*?)```/g)) {
      const code = block[1].replace(
        /(from\s*|import\(\s*)(['"])(\.\.?\/[^'"]+)\2/g,
        (_, lead, quote, path) => `${lead}${quote}${resolve(sourceDir, path)}${quote}`,
      );
      examples.push({ line, code });
    }
  }
  return examples;
}

/**
 * The declarations of `text` (`export function`, `export async function`, `export class`,
 * `export abstract class`, `export const`) that have no doc comment ending on the line right
 * above them, or whose doc comment has neither an `@example` nor an `@internal` tag, each with
 * its 1-based line, its name and the problem. Re-exports, interfaces and types are not looked at.
 */
export function findUndocumentedExports(text) {
  const lines = text.split('\n');
  const found = [];
  lines.forEach((source, index) => {
    const declaration =
      /^export\s+(?:(?:async\s+)?function(?:\s*\*\s*|\s+)|(?:abstract\s+)?class\s+|const\s+(?!enum\b))([A-Za-z_$][\w$]*)/.exec(
        source,
      );
    if (declaration === null) return;
    const at = { line: index + 1, name: declaration[1] };
    const comment = docCommentAbove(lines, index);
    if (comment === undefined) found.push({ ...at, problem: 'no doc comment' });
    else if (!/(?:^|[\s*])@(?:example|internal)\b/.test(comment))
      found.push({ ...at, problem: 'doc comment has neither @example nor @internal' });
  });
  return found;
}

/** The `/** ... *\/` comment whose last line is right above line `index`, if there is one. */
function docCommentAbove(lines, index) {
  if (index === 0 || !lines[index - 1].trimEnd().endsWith('*/')) return undefined;
  let start = index - 1;
  while (start > 0 && !lines[start].trimStart().startsWith('/*')) start--;
  if (!lines[start].trimStart().startsWith('/**')) return undefined;
  return lines.slice(start, index).join('\n');
}

function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !/\.test(-d)?\.ts$/.test(name))
      out.push(path);
  }
  return out;
}

function main() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const out = join(root, 'test-artifacts', 'doc-examples');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  let count = 0;
  const undocumented = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const src = join(root, 'packages', pkg, 'src');
    for (const file of sources(src)) {
      const text = readFileSync(file, 'utf8');
      const path = relative(root, file).split(sep).join('/');
      for (const { line, name, problem } of findUndocumentedExports(text))
        undocumented.push(`${path}:${line}: ${name}: ${problem}`);
      for (const { line, code } of extractExamples(text, dirname(file))) {
        // The first line names the example's origin, which tsc's messages then point at.
        const header = `// ${relative(root, file)}:${line}\nexport {};\n`;
        writeFileSync(join(out, `example-${String(count++).padStart(4, '0')}.ts`), header + code);
      }
    }
  }
  writeFileSync(
    join(out, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../tsconfig.base.json',
      compilerOptions: { noEmit: true, types: ['node'] },
      include: ['*.ts'],
    }),
  );
  for (const problem of undocumented) console.error(problem);
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', out],
    {
      encoding: 'utf8',
    },
  );
  if (tsc.status !== 0) {
    // Each error line gets the origin of its example.
    for (const errorLine of `${tsc.stdout}${tsc.stderr}`.split('\n').filter(Boolean)) {
      const file = /^(\S+\.ts)\(/.exec(errorLine)?.[1];
      const origin =
        file === undefined ? '' : readFileSync(join(out, file.split('/').pop()), 'utf8').split('\n')[0];
      console.error(origin === '' ? errorLine : `${origin.slice(3)}: ${errorLine}`);
    }
    console.error(`Doc examples: tsc failed (${count} examples checked).`);
  }
  if (undocumented.length > 0)
    console.error(
      `Doc examples: ${undocumented.length} exports lack a doc comment with @example or @internal.`,
    );
  if (tsc.status !== 0 || undocumented.length > 0) process.exit(1);
  console.log(`Doc examples compile: ${count} examples checked.`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
