import { parseArgs } from 'node:util';

/**
 * A command line the user got wrong: the message says what and how to fix it; the process exits
 * with status 2.
 * @example
 * ```ts
 * import { UsageError } from '@keel/cli';
 * const error = new UsageError('unknown command "run"');
 * console.log(error.message);
 * ```
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * What `keel` was asked to do.
 * @example
 * ```ts
 * import { parseCommand } from '@keel/cli';
 * const command = parseCommand(['sim', 'timeout', '--seed', '7']);
 * if (command.kind === 'sim') console.log(command.scenario, command.seed);
 * ```
 */
export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'list' }
  | {
      readonly kind: 'sim';
      readonly scenario: string;
      /** `--seed`: an integer, or any other text (hashed by the simulator). @default 1 */
      readonly seed: number | string;
      /** `--duration` in milliseconds; the scenario's default when absent. */
      readonly durationMs: number | undefined;
      /** `--json`: print the result as JSON instead of a table and charts. */
      readonly json: boolean;
      /** `--trace FILE`: write the JSON Lines trace there. */
      readonly traceFile: string | undefined;
      /** `--set name=value`, repeatable: knob values, still unchecked. */
      readonly knobs: Readonly<Record<string, number | boolean | string>>;
    };

/**
 * The seed a run uses when `--seed` is not given.
 *
 * @example
 * ```ts
 * import { DEFAULT_SEED, parseCommand } from '@keel/cli';
 * const command = parseCommand(['sim', 'timeout']);
 * if (command.kind === 'sim') console.log(command.seed === DEFAULT_SEED); // true
 * ```
 */
export const DEFAULT_SEED = 1;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Reads a duration such as `5000ms`, `90s`, `10m`, `1.5h` or a bare number of milliseconds.
 * @example
 * ```ts
 * import { parseDuration } from '@keel/cli';
 * console.log(parseDuration('90s')); // 90000
 * ```
 */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] ?? 'ms']! : Number.NaN;
  if (!(ms > 0) || !Number.isFinite(ms))
    throw new UsageError(`--duration: "${text}" is not a duration above zero such as 5000ms, 90s, 10m or 1h`);
  return ms;
}

/**
 * Reads a knob assignment `name=value`; the value becomes a number, a boolean or stays text.
 * @example
 * ```ts
 * import { parseKnob } from '@keel/cli';
 * console.log(parseKnob('rps=300')); // ['rps', 300]
 * ```
 */
export function parseKnob(text: string): readonly [string, number | boolean | string] {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1)
    throw new UsageError(`--set: "${text}" is not of the form name=value (for example --set rps=300)`);
  const name = text.slice(0, at);
  const raw = text.slice(at + 1);
  if (raw === 'true' || raw === 'false') return [name, raw === 'true'];
  const number = Number(raw);
  return [name, raw.trim() !== '' && Number.isFinite(number) ? number : raw];
}

function parseSeed(text: string): number | string {
  if (text === '') throw new UsageError('--seed: give an integer or a word');
  return /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

/**
 * Turns the arguments after `keel` into a {@link Command}, or throws {@link UsageError}.
 * @example
 * ```ts
 * import { parseCommand } from '@keel/cli';
 * console.log(parseCommand(['sim', '--list']).kind); // 'list'
 * ```
 */
export function parseCommand(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // node:util reports unknown options and missing values as TypeErrors with clear messages.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  const [command, scenario, ...rest] = positionals;
  if (command === undefined) throw new UsageError('no command given');
  if (command !== 'sim') throw new UsageError(`unknown command "${command}" (the command is "sim")`);
  if (values.list) {
    if (scenario !== undefined) throw new UsageError('--list takes no scenario');
    return { kind: 'list' };
  }
  if (scenario === undefined) throw new UsageError('name a scenario, or use --list to see them');
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const knobs: Record<string, number | boolean | string> = {};
  for (const assignment of values.set ?? []) {
    const [name, value] = parseKnob(assignment);
    if (Object.hasOwn(knobs, name)) throw new UsageError(`--set: knob "${name}" given twice`);
    knobs[name] = value;
  }
  return {
    kind: 'sim',
    scenario,
    seed: values.seed === undefined ? DEFAULT_SEED : parseSeed(values.seed),
    durationMs: values.duration === undefined ? undefined : parseDuration(values.duration),
    json: values.json ?? false,
    traceFile: values.trace,
    knobs,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      seed: { type: 'string' },
      duration: { type: 'string' },
      json: { type: 'boolean' },
      trace: { type: 'string' },
      set: { type: 'string', multiple: true },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * The help text.
 * @example
 * ```ts
 * import { USAGE } from '@keel/cli';
 * console.log(USAGE);
 * ```
 */
export const USAGE = `Usage:
  keel sim <scenario> [--seed N] [--duration 10m|90s|5000ms] [--set knob=value ...] [--json] [--trace FILE]
  keel sim --list
  keel --help

Runs a pattern scenario in the deterministic simulator: the same seed gives the same result.

Options:
  --seed N          seed of every random draw (an integer or a word; default ${DEFAULT_SEED})
  --duration D      virtual time per variant: 5000ms, 90s, 10m, 1h (default: the scenario's own)
  --set knob=value  change one of the scenario's knobs (see --list); repeatable
  --json            print the full result as JSON instead of a table and charts
  --trace FILE      write the trace of every message, fault and crash as JSON Lines to FILE
  --list            list the scenarios with their knobs`;
