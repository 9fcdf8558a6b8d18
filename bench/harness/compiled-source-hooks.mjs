// Module hooks that load the workspace packages' TypeScript sources compiled by TypeScript's own
// transpiler, the way their published build is made. tsx's transform keeps function names by
// wrapping every closure in a helper call, a per-call cost the published code does not have and
// the precompiled anchor libraries do not pay.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const workspaceSource = /\/packages\/[^/]+\/src\/.+(?<!\.d)\.ts$/;
const compilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  verbatimModuleSyntax: true,
  sourceMap: false,
  inlineSourceMap: true,
};

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && workspaceSource.test(new URL(url).pathname)) {
    const path = fileURLToPath(url);
    const text = await readFile(path, 'utf8');
    const output = ts.transpileModule(text, { compilerOptions, fileName: path });
    return { format: 'module', source: output.outputText, shortCircuit: true };
  }
  return nextLoad(url, context);
}
