import { defineScenario, runVariants, ScenarioRegistry } from '@keel/sim';
import { describe, expect, it } from 'vitest';
import { mainSeries, registry } from '../../../patterns/scenarios.js';
import { type CliIo, EXIT_FAILURE, EXIT_USAGE, main } from './main.js';

interface Captured {
  readonly io: CliIo;
  readonly out: () => string;
  readonly err: () => string;
  readonly files: Map<string, string>;
}

function capture(extra: Partial<CliIo> = {}): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  return {
    io: {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      writeFile: async (path, text) => {
        files.set(path, text);
      },
      ...extra,
    },
    out: () => out.join(''),
    err: () => err.join(''),
    files,
  };
}

const run = (argv: string[], c: Captured) => main(argv, { registry, mainSeries, io: c.io });

describe('keel sim --list', () => {
  it('lists every scenario with its description and knobs', async () => {
    const c = capture();
    expect(await run(['sim', '--list'], c)).toBe(0);
    for (const id of registry.ids()) expect(c.out()).toContain(`${id} — `);
    expect(c.out()).toMatch(/Tail\s+at\s+Scale/);
    expect(c.out()).toContain('hangRate:');
    expect(c.err()).toBe('');
  });

  it('says so when nothing is registered', async () => {
    const c = capture();
    expect(await main(['sim', '--list'], { registry: new ScenarioRegistry(), io: c.io })).toBe(0);
    expect(c.out()).toMatch(/No scenarios/);
  });
});

describe('keel sim <scenario>', () => {
  it('prints the summary table and a chart of the main series per variant', async () => {
    const c = capture();
    expect(await run(['sim', 'timeout', '--duration', '3s', '--seed', '5'], c)).toBe(0);
    const text = c.out();
    expect(text).toContain('Timeout against a hanging dependency (timeout), seed 5, 3s of virtual time');
    expect(text).toMatch(/Peak calls in flight\s+\d+ calls\s+\d+ calls/);
    expect(text).toContain('baseline (one point per 1s):');
    expect(text).toContain('pattern (one point per 1s):');
    expect(text).toMatch(/^inflight\s+\S{3}\s+\d/m);
    // A short run shows no progress.
    expect(c.err()).toBe('');
  });

  it('--set changes a knob, and the result is a function of the seed', async () => {
    const outputs: string[] = [];
    for (const seed of ['9', '9', '10']) {
      const c = capture();
      expect(
        await run(['sim', 'timeout', '--duration', '2s', '--seed', seed, '--set', 'hangRate=0'], c),
      ).toBe(0);
      outputs.push(c.out());
    }
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).not.toBe(outputs[0]);
    expect(outputs[0]).toMatch(/Successful calls\s+100 %\s+100 %/);
  });

  it('--json prints the whole result', async () => {
    const c = capture();
    expect(
      await run(['sim', 'circuit-breaker', '--duration', '2s', '--json', '--set', 'outageStartMs=1000'], c),
    ).toBe(0);
    const json = JSON.parse(c.out());
    expect(json).toMatchObject({ scenario: 'circuit-breaker', seed: 1, durationMs: 2_000 });
    expect(json.knobs.outageStartMs).toBe(1_000);
    expect(Object.keys(json.metrics)).toEqual(['baseline', 'pattern']);
    expect(json.series.pattern.columns['req.ok']).toHaveLength(2);
    expect(json.summary.rows.map((r: { label: string }) => r.label)).toContain(
      'Calls to the dependency during the outage',
    );
    expect(json.trace).toBeUndefined();
  });

  it('--trace writes the JSON Lines trace', async () => {
    const c = capture();
    expect(await run(['sim', 'retry-backoff', '--duration', '500ms', '--trace', 'run.jsonl'], c)).toBe(0);
    const lines = c.files.get('run.jsonl')!.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('k');
    expect(JSON.parse(lines[0]!)).toMatchObject({ k: 'variant', name: 'baseline' });
    expect(c.err()).toMatch(/trace: \d+ lines written to run.jsonl/);
  });

  it('shows progress on stderr once a run takes a while', async () => {
    let t = 0;
    const c = capture({ now: () => (t += 1_000) });
    expect(await run(['sim', 'timeout', '--duration', '4s'], c)).toBe(0);
    expect(c.err()).toContain('pattern: 100% (overall 100%)');
    const redrawn = capture({ now: () => (t += 1_000), interactive: true });
    expect(await run(['sim', 'timeout', '--duration', '4s'], redrawn)).toBe(0);
    expect(redrawn.err()).toMatch(/\rbaseline: \d+%/);
    expect(redrawn.err().endsWith('\r\u001b[K')).toBe(true);
  });
});

describe('bad command lines exit with status 2', () => {
  it.each([
    [['sim', 'nope'], /unknown scenario "nope"; known scenarios: .*circuit-breaker.*timeout/],
    [['sim', 'timeout', '--duration', 'forever'], /--duration/],
    [['sim', 'timeout', '--set', 'rps=1000000'], /knobs\.rps[\s\S]*Knobs of "timeout"/],
    [['sim', 'timeout', '--set', 'colour=blue'], /knobs\.colour/],
    [['sim', 'timeout', '--bogus'], /bogus/],
    [[], /no command[\s\S]*Usage:/],
  ])('%j', async (argv, message) => {
    const c = capture();
    expect(await run(argv as string[], c)).toBe(EXIT_USAGE);
    expect(c.err()).toMatch(message);
    expect(c.out()).toBe('');
  });

  it('--help prints the usage and succeeds', async () => {
    const c = capture();
    expect(await run(['--help'], c)).toBe(0);
    expect(c.out()).toMatch(/^Usage:/);
  });
});

it('a scenario that throws exits with status 1 and says why', async () => {
  const broken = defineScenario({
    id: 'broken',
    name: 'Broken',
    description: 'Fails on purpose.',
    knobs: {},
    defaultDurationMs: 1_000,
    run: (seed, _knobs, options) =>
      runVariants(
        seed,
        options,
        {
          baseline: () => {
            throw new Error('set-up failed');
          },
        },
        () => [],
      ),
  });
  const own = new ScenarioRegistry();
  own.register(broken);
  const c = capture();
  expect(await main(['sim', 'broken'], { registry: own, io: c.io })).toBe(EXIT_FAILURE);
  expect(c.err()).toContain('set-up failed');
});
