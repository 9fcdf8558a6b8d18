/**
 * What the operating system says about this process: its threads and its child processes.
 * Linux only (through /proc); elsewhere `osCountsAvailable` is false.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** True where /proc can be read. */
export const osCountsAvailable = existsSync('/proc/self/task');

/** Threads of this process (the main thread, libuv and V8 helpers, and one per worker thread). */
export function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

/** Process ids whose parent is this process and that have not exited (zombies excluded). */
export function childPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === process.pid && state !== 'Z') pids.push(Number(name));
  }
  return pids.sort((a, b) => a - b);
}

/** Polls `check` until it stops throwing, or rethrows its last error after `limitMs`. */
export async function eventually(check: () => void, limitMs = 10_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
