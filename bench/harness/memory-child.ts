// Child process of a memory case: `memory-child.ts <suite> <case name> <contender> <count>`.
// Started with --expose-gc; prints one JSON line `{"bytesPerInstance": n}` and exits.
import { suites } from '../suites/index.js';
import { loadWorkspaceSourcesCompiled } from './compiled-source.js';
import { bytesPerInstance } from './memory.js';
import { isUnavailable } from './types.js';

async function main(): Promise<void> {
  const [suiteName = '', caseName = '', contenderName = '', countText = ''] = process.argv.slice(2);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memory-child needs node --expose-gc');
  loadWorkspaceSourcesCompiled();
  const load = suites[suiteName];
  if (!load) throw new Error(`unknown suite ${suiteName}`);
  const suite = await load();
  const cases = suite.memoryCases ? suite.memoryCases() : await suite.cases();
  const found = cases.find((item) => item.kind === 'memory' && item.name === caseName);
  if (found?.kind !== 'memory') throw new Error(`no memory case named "${caseName}"`);
  const contender = contenderName === 'keel' ? found.keel : found.anchors[contenderName];
  if (!contender || isUnavailable(contender)) throw new Error(`contender ${contenderName} cannot run`);
  const result = bytesPerInstance(contender, Number(countText), gc);
  process.stdout.write(`${JSON.stringify({ bytesPerInstance: result })}\n`);
  // Some libraries keep interval timers per instance; leave without waiting for them.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
