import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, parseCommand, parseDuration, parseKnob, UsageError } from './args.js';

describe('parseDuration', () => {
  it.each([
    ['5000ms', 5_000],
    ['5000', 5_000],
    ['90s', 90_000],
    ['1.5s', 1_500],
    ['10m', 600_000],
    ['1h', 3_600_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '0s', '-5s', '10x', 'ten minutes', '1e3', 's'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(UsageError);
  });
});

describe('parseKnob', () => {
  it('reads numbers, booleans and words', () => {
    expect(parseKnob('rps=300')).toEqual(['rps', 300]);
    expect(parseKnob('ratio=0.25')).toEqual(['ratio', 0.25]);
    expect(parseKnob('on=true')).toEqual(['on', true]);
    expect(parseKnob('on=false')).toEqual(['on', false]);
    expect(parseKnob('mode=aggressive')).toEqual(['mode', 'aggressive']);
  });

  it.each(['rps', '=3', 'rps='])('rejects %j', (text) => {
    expect(() => parseKnob(text)).toThrow(UsageError);
  });
});

describe('parseCommand', () => {
  it('reads a full sim command', () => {
    expect(
      parseCommand([
        'sim',
        'timeout',
        '--seed',
        '42',
        '--duration',
        '90s',
        '--json',
        '--trace',
        'out.jsonl',
        '--set',
        'rps=50',
      ]),
    ).toEqual({
      kind: 'sim',
      scenario: 'timeout',
      seed: 42,
      durationMs: 90_000,
      json: true,
      traceFile: 'out.jsonl',
      knobs: { rps: 50 },
    });
  });

  it('fills in defaults', () => {
    expect(parseCommand(['sim', 'bulkhead'])).toEqual({
      kind: 'sim',
      scenario: 'bulkhead',
      seed: DEFAULT_SEED,
      durationMs: undefined,
      json: false,
      traceFile: undefined,
      knobs: {},
    });
  });

  it('keeps a seed that is not an integer as text', () => {
    const command = parseCommand(['sim', 'x', '--seed', 'storm-7']);
    expect(command.kind === 'sim' && command.seed).toBe('storm-7');
  });

  it('recognises --list, --help and help', () => {
    expect(parseCommand(['sim', '--list'])).toEqual({ kind: 'list' });
    expect(parseCommand(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommand(['-h'])).toEqual({ kind: 'help' });
    expect(parseCommand(['help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], /no command/],
    [['run', 'timeout'], /unknown command "run"/],
    [['sim'], /name a scenario/],
    [['sim', 'timeout', 'extra'], /unexpected argument "extra"/],
    [['sim', 'timeout', '--speed', '3'], /--speed/],
    [['sim', 'timeout', '--seed'], /--seed/],
    [['sim', 'timeout', '--duration', 'soon'], /--duration/],
    [['sim', '--list', 'timeout'], /--list takes no scenario/],
    [['sim', 'timeout', '--set', 'rps=1', '--set', 'rps=2'], /given twice/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCommand(argv as string[])).toThrow(UsageError);
    expect(() => parseCommand(argv as string[])).toThrow(message);
  });
});
