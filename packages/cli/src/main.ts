import { isInvalidOptionError } from '@keel/core/errors';
import {
  chart,
  formatSummaryTable,
  type Knob,
  resolveKnobs,
  type Scenario,
  type ScenarioProgress,
  type ScenarioRegistry,
  type ScenarioResult,
} from '@keel/sim';
import { type Command, parseCommand, USAGE, UsageError } from './args.js';

/**
 * Where the command line reads and writes; the bin passes the process's streams and file
 * system, tests pass memory.
 */
export interface CliIo {
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error (progress, notes, errors). */
  stderr(text: string): void;
  /** Writes a whole file. */
  writeFile(path: string, text: string): Promise<void>;
  /** Whether standard error is a terminal, where progress can redraw one line. @default false */
  readonly interactive?: boolean;
  /** Wall-clock milliseconds, to pace progress output. @default performance.now */
  readonly now?: () => number;
}

/**
 * What {@link main} runs against.
 */
export interface CliOptions {
  /** The scenarios the command line knows. */
  readonly registry: ScenarioRegistry;
  /** Per scenario id, the series to chart first; otherwise every counter and gauge. */
  readonly mainSeries?: Readonly<Record<string, readonly string[]>>;
  readonly io: CliIo;
}

/**
 * Exit status of a command line the user got wrong.
 *
 * @example
 * ```ts
 * import { EXIT_USAGE, main } from '@keel/cli';
 * import { ScenarioRegistry } from '@keel/sim';
 * const io = { stdout: () => {}, stderr: console.error, writeFile: async () => {} };
 * const status = await main(['sim', 'no-such-scenario'], { registry: new ScenarioRegistry(), io });
 * console.log(status === EXIT_USAGE); // true
 * ```
 */
export const EXIT_USAGE = 2;
/**
 * Exit status of a run that failed.
 *
 * @example
 * ```ts
 * import { spawnSync } from 'node:child_process';
 * import { EXIT_FAILURE } from '@keel/cli';
 * const run = spawnSync('npx', ['keel', 'sim', 'timeout'], { encoding: 'utf8' });
 * if (run.status === EXIT_FAILURE) console.log('the scenario failed:', run.stderr);
 * ```
 */
export const EXIT_FAILURE = 1;

/** Progress starts showing once a run has taken this long, and redraws at most this often. */
const PROGRESS_AFTER_MS = 500;
const PROGRESS_EVERY_MS = 100;
const CHART_WIDTH = 60;

/**
 * Runs the `keel` command line with `argv` (the arguments after `keel`) and returns the exit
 * status: 0 on success, 2 for a bad command line, 1 when a run fails.
 *
 * @example
 * ```ts
 * import { main } from '@keel/cli';
 * import { ScenarioRegistry } from '@keel/sim';
 * const out: string[] = [];
 * const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), writeFile: async () => {} };
 * const status = await main(['sim', '--list'], { registry: new ScenarioRegistry(), io });
 * console.log(status, out.join(''));
 * ```
 */
export async function main(argv: readonly string[], options: CliOptions): Promise<number> {
  const { io, registry } = options;
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageFailure(io, error);
  }
  switch (command.kind) {
    case 'help':
      io.stdout(`${USAGE}\n`);
      return 0;
    case 'list':
      io.stdout(listing(registry.list()));
      return 0;
    case 'sim':
      return simulate(command, options);
  }
}

function usageFailure(io: CliIo, error: UsageError): number {
  io.stderr(`keel: ${error.message}\n\n${USAGE}\n`);
  return EXIT_USAGE;
}

async function simulate(command: Extract<Command, { kind: 'sim' }>, options: CliOptions): Promise<number> {
  const { io, registry } = options;
  if (!registry.has(command.scenario)) {
    const known = registry.ids();
    io.stderr(
      `keel: unknown scenario "${command.scenario}"; known scenarios: ${known.length > 0 ? known.join(', ') : '(none)'}\n` +
        'Run "keel sim --list" for descriptions.\n',
    );
    return EXIT_USAGE;
  }
  const scenario = registry.get(command.scenario);
  let knobs: ReturnType<typeof resolveKnobs>;
  try {
    knobs = resolveKnobs(scenario.knobs, command.knobs);
  } catch (error) {
    if (!isInvalidOptionError(error)) throw error;
    io.stderr(`keel: ${error.message}\nKnobs of "${scenario.id}":\n${knobLines(scenario).join('\n')}\n`);
    return EXIT_USAGE;
  }
  const durationMs = command.durationMs ?? scenario.defaultDurationMs;
  const progress = progressReporter(io);
  let result: ScenarioResult;
  try {
    result = await scenario.run(command.seed, knobs, {
      durationMs,
      onProgress: progress.report,
      trace: command.traceFile !== undefined,
    });
  } catch (error) {
    progress.clear();
    io.stderr(
      `keel: the scenario failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_FAILURE;
  }
  progress.clear();
  if (command.traceFile !== undefined && result.trace) {
    const lines = result.trace.lines;
    await io.writeFile(command.traceFile, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    io.stderr(
      `trace: ${lines.length} lines written to ${command.traceFile} (${result.trace.count} recorded, fingerprint ${result.trace.hash})\n`,
    );
  }
  if (command.json) {
    const { trace, ...rest } = result;
    const json = {
      scenario: scenario.id,
      name: scenario.name,
      seed: command.seed,
      durationMs,
      knobs,
      ...rest,
      ...(trace ? { trace: { hash: trace.hash, count: trace.count, file: command.traceFile } } : {}),
    };
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  io.stdout(report(scenario, command.seed, durationMs, result, options.mainSeries?.[scenario.id]));
  return 0;
}

/** The human-readable result: heading, summary table, and a chart per variant. */
function report(
  scenario: Scenario<any>,
  seed: number | string,
  durationMs: number,
  result: ScenarioResult,
  preferred: readonly string[] | undefined,
): string {
  const lines = [
    `${scenario.name} (${scenario.id}), seed ${String(seed)}, ${formatDuration(durationMs)} of virtual time per variant`,
    '',
    formatSummaryTable(result),
  ];
  for (const [variant, series] of Object.entries(result.series)) {
    const columns =
      preferred?.filter((c) => series.columns[c] !== undefined) ?? defaultColumns(series.columns);
    if (columns.length === 0) continue;
    lines.push(
      '',
      `${variant} (one point per ${formatDuration(series.windowMs)}):`,
      chart(series, columns, CHART_WIDTH),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Counters and gauges, leaving out the per-window columns derived from latency histograms. */
function defaultColumns(columns: Readonly<Record<string, number[]>>): string[] {
  return Object.keys(columns).filter((name) => !/\.(count|p50|p99|max)$/.test(name));
}

function listing(scenarios: readonly Scenario<any>[]): string {
  if (scenarios.length === 0) return 'No scenarios are registered.\n';
  const blocks = scenarios.map((s) =>
    [
      `${s.id} — ${s.name} (default ${formatDuration(s.defaultDurationMs)})`,
      ...wrap(s.description, 76).map((line) => `  ${line}`),
      ...(Object.keys(s.knobs).length > 0 ? ['  Knobs (--set name=value):', ...knobLines(s)] : []),
    ].join('\n'),
  );
  return `${blocks.join('\n\n')}\n`;
}

function knobLines(scenario: Scenario<any>): string[] {
  return Object.entries(scenario.knobs as Readonly<Record<string, Knob>>).map(
    ([name, knob]) => `    ${name}: ${describeKnob(knob)}`,
  );
}

function describeKnob(knob: Knob): string {
  const label = knob.description ? `${knob.label}. ${knob.description}` : knob.label;
  switch (knob.type) {
    case 'number':
      return `${label} [${knob.min}..${knob.max}${knob.unit ? ` ${knob.unit}` : ''}, default ${knob.default}]`;
    case 'boolean':
      return `${label} [true|false, default ${knob.default}]`;
    case 'choice':
      return `${label} [${knob.options.join('|')}, default ${knob.default}]`;
  }
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * Formats milliseconds the way `--duration` reads them: `90s`, `10m`, `1.5h`, `250ms`.
 * @example
 * ```ts
 * import { formatDuration } from '@keel/cli';
 * console.log(formatDuration(90_000)); // '90s'
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 360_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 6_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1_000 && ms % 100 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

/**
 * Progress on standard error, only for runs long enough to need it: on a terminal one line
 * redrawn in place, elsewhere a line per quarter of the run.
 */
function progressReporter(io: CliIo): {
  readonly report: (progress: ScenarioProgress) => void;
  readonly clear: () => void;
} {
  const now = io.now ?? (() => performance.now());
  const started = now();
  let lastDrawn = Number.NEGATIVE_INFINITY;
  let lastQuarter = 0;
  let drawn = false;
  return {
    report: (progress) => {
      const t = now();
      if (t - started < PROGRESS_AFTER_MS) return;
      const percent = Math.floor(progress.overall * 100);
      const text = `${progress.variant}: ${Math.floor(progress.fraction * 100)}% (overall ${percent}%)`;
      if (io.interactive) {
        if (t - lastDrawn < PROGRESS_EVERY_MS) return;
        lastDrawn = t;
        drawn = true;
        io.stderr(`\r${text}\u001b[K`);
      } else {
        const quarter = Math.floor(progress.overall * 4);
        if (quarter <= lastQuarter) return;
        lastQuarter = quarter;
        io.stderr(`${text}\n`);
      }
    },
    clear: () => {
      if (drawn) io.stderr('\r\u001b[K');
    },
  };
}
