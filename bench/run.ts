// `npm run bench` runs every suite; `npm run bench -- <suite> [...]` runs the named ones.
// KEEL_BENCH_SMOKE=1 makes a quick run that only proves every case still works.
import { loadWorkspaceSourcesCompiled } from './harness/compiled-source.js';
import { configFromEnv } from './harness/config.js';
import { writeBenchmarksDocument } from './harness/document.js';
import { Progress } from './harness/progress.js';
import { runSuite } from './harness/runner.js';
import { suites } from './suites/index.js';

async function main(): Promise<void> {
  const requested = process.argv.slice(2).filter((arg) => arg !== '--');
  const known = Object.keys(suites);
  const unknown = requested.filter((name) => !(name in suites));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown benchmark suite: ${unknown.join(', ')}. Suites: ${known.join(', ')}.\n`);
    process.exitCode = 2;
    return;
  }
  // Keel runs as its published build would, not as tsx's name-keeping transform of it.
  loadWorkspaceSourcesCompiled();
  const config = configFromEnv();
  const progress = new Progress();
  for (const name of requested.length > 0 ? requested : known) {
    const suite = await suites[name]!();
    await runSuite(suite, config, progress);
  }
  if (!config.smoke) process.stdout.write(`updated ${writeBenchmarksDocument()}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
