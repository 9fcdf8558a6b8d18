import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const caseChild = join(here, 'case-child.ts');

/**
 * Runs `case-child.ts` with `args` in a fresh Node process and returns the JSON of the last line it
 * prints. Its `status: ...` lines on stderr go to `onStatus`; anything else it writes to stderr
 * is kept for the error when it fails.
 */
export function runCaseChild<T>(
  nodeFlags: readonly string[],
  args: readonly string[],
  onStatus: (status: string) => void = () => {},
): Promise<T> {
  const child = spawn(
    process.execPath,
    [...nodeFlags, '--import', 'tsx', '--conditions=source', caseChild, ...args],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let errors = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('status: ')) onStatus(line.slice('status: '.length));
      else errors += `${line}\n`;
    }
  });
  const what = `case child (${args.join(' / ')})`;
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      errors += pending;
      if (code !== 0) {
        reject(new Error(`${what} failed: ${errors || `exit ${code}`}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as T);
      } catch {
        reject(new Error(`${what} printed no result: ${stdout}${errors}`));
      }
    });
  });
}
