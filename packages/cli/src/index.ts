/**
 * @keel/cli: the `keel` command line, which runs Keel's pattern scenarios in the deterministic
 * simulator and prints what each pattern changes.
 * @packageDocumentation
 */

export type { Command } from './args.js';
export { DEFAULT_SEED, parseCommand, parseDuration, parseKnob, USAGE, UsageError } from './args.js';
export type { CliIo, CliOptions } from './main.js';
export { EXIT_FAILURE, EXIT_USAGE, formatDuration, main } from './main.js';
