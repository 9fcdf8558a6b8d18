// A child process that runs one case of a suite away from every other case:
//   case-child.ts <suite> <case name>                       a time case marked `isolated`: prints
//                                                           its result as one JSON line
//   case-child.ts <suite> <case name> <contender> <count>   one contender of a memory case (needs
//                                                           --expose-gc): prints {"bytesPerInstance": n}
// Progress goes to stderr as `status: ...` lines; the result is the last line of stdout.
import { suites } from '../suites/index.js';
import { loadWorkspaceSourcesCompiled } from './compiled-source.js';
import { configFromEnv } from './config.js';
import { bytesPerInstance } from './memory.js';
import { runTimeCase } from './runner.js';
import { isUnavailable } from './types.js';

async function main(): Promise<void> {
  const [suiteName = '', caseName = '', contenderName, countText] = process.argv.slice(2);
  loadWorkspaceSourcesCompiled();
  const load = suites[suiteName];
  if (!load) throw new Error(`unknown suite ${suiteName}`);
  const suite = await load();
  const cases = suite.childCases ? suite.childCases() : await suite.cases();
  const found = cases.find((item) => item.name === caseName);
  if (found?.kind === 'time') {
    const result = await runTimeCase(found, configFromEnv(), (status) =>
      process.stderr.write(`status: ${status}\n`),
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else if (found?.kind === 'memory') {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error('a memory case needs node --expose-gc');
    const contender = contenderName === 'keel' ? found.keel : found.anchors[contenderName ?? ''];
    if (!contender || isUnavailable(contender)) throw new Error(`contender ${contenderName} cannot run`);
    const result = bytesPerInstance(contender, Number(countText), gc);
    process.stdout.write(`${JSON.stringify({ bytesPerInstance: result })}\n`);
  } else {
    throw new Error(`no time or memory case named "${caseName}" in ${suiteName}`);
  }
  // Some libraries keep interval timers per instance; leave without waiting for them.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
