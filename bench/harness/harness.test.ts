import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { configFromEnv, FULL_CONFIG, SMOKE_CONFIG } from './config.js';
import { benchmarksDocument, readResults } from './document.js';
import { bytesPerInstance } from './memory.js';
import {
  formatTable,
  markdownTable,
  resultsPath,
  suiteResult,
  summarise,
  summariseRatio,
  writeResults,
} from './report.js';
import { runSuite, runTimeCase } from './runner.js';
import { interleave } from './schedule.js';
import { median, quantile, relativeSpread, roundFigure } from './stats.js';
import { batchLoop, calibrate } from './timing.js';
import type { TimedContender } from './types.js';

describe('stats', () => {
  it('takes the median of odd and even counts without reordering the input', () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.25)).toBe(20);
    expect(() => median([])).toThrow(RangeError);
  });

  it('measures spread relative to the median and rounds figures for reports', () => {
    expect(relativeSpread([100, 100, 100])).toBe(0);
    expect(relativeSpread([90, 95, 100, 105, 110])).toBeCloseTo(0.1);
    expect(roundFigure(1234.56)).toBe(1235);
    expect(roundFigure(12.3456)).toBe(12.3);
  });
});

describe('interleave', () => {
  it('runs every contender once per round and rotates who goes first', () => {
    const order = interleave(3, 3).map((slot) => `${slot.round}:${slot.contender}`);
    expect(order).toEqual(['0:0', '0:1', '0:2', '1:1', '1:2', '1:0', '2:2', '2:0', '2:1']);
  });

  it('never runs the same contender twice in a row when there are several', () => {
    const order = interleave(2, 6);
    for (let i = 1; i < order.length; i++) {
      if (order[i]!.round === order[i - 1]!.round)
        expect(order[i]!.contender).not.toBe(order[i - 1]!.contender);
    }
    expect(order.filter((slot) => slot.contender === 0)).toHaveLength(6);
  });
});

describe('timing loops', () => {
  it('awaits the operation exactly as many times as asked', async () => {
    let calls = 0;
    const loop = batchLoop(async () => {
      calls++;
    });
    await loop(7);
    expect(calls).toBe(7);
  });

  it('calls a synchronous operation back to back without awaiting it', async () => {
    let settled = 0;
    const seenAtCall: number[] = [];
    const operation = () => {
      seenAtCall.push(settled);
      return Promise.resolve().then(() => settled++);
    };
    await batchLoop(operation, true)(4);
    // No returned promise settles between two calls...
    expect(seenAtCall).toEqual([0, 0, 0, 0]);
    seenAtCall.length = 0;
    settled = 0;
    await batchLoop(operation)(4);
    // ...where the awaiting loop lets each one settle first.
    expect(seenAtCall).toEqual([0, 1, 2, 3]);
  });

  it('never calibrates below the minimum batch', async () => {
    const loop = batchLoop(() => undefined);
    expect(await calibrate(loop, 0, 5)).toBe(5);
  });
});

describe('results', () => {
  const samples = {
    name: 'case',
    unit: 'ns/op' as const,
    keel: [100, 110, 90],
    anchors: [
      ['anchor@1', [1000, 1100, 900]],
      ['missing@2', 'not installed'],
    ] as const,
    limits: [['bare (limit)', [50, 50, 50]]] as const,
  };

  it('reports medians, speedups as anchor over Keel, and no speedup for limits', () => {
    const result = summarise(samples);
    expect(result.keel).toBe(100);
    expect(result.anchors).toEqual({ 'anchor@1': 1000, 'missing@2': null, 'bare (limit)': 50 });
    expect(result.speedup).toEqual({ 'anchor@1': 10 });
    expect(result.unavailable).toEqual({ 'missing@2': 'not installed' });
  });

  it('judges declared targets against the measured speedup', () => {
    const result = summarise({ ...samples, targets: { 'anchor@1': 10, 'missing@2': 2 } });
    expect(result.targets).toEqual({
      'anchor@1': { atLeast: 10, met: true },
      'missing@2': { atLeast: 2, met: null },
    });
    expect(summarise({ ...samples, targets: { 'anchor@1': 11 } }).targets?.['anchor@1']?.met).toBe(false);
  });

  it('reports an unavailable Keel side as null with its reason and no speedups', () => {
    const result = summarise({ ...samples, keel: 'module missing' });
    expect(result.keel).toBeNull();
    expect(result.speedup).toEqual({});
    expect(result.unavailable?.['keel']).toBe('module missing');
  });

  it('writes the documented JSON shape, smoke runs to a separate file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-bench-'));
    try {
      const result = suiteResult('demo', [summarise(samples)], false, new Date(0));
      const path = writeResults(result, dir);
      expect(path).toBe(join(dir, 'demo.json'));
      expect(resultsPath('demo', true, dir)).toBe(join(dir, 'demo.smoke.json'));
      const written = JSON.parse(readFileSync(path, 'utf8'));
      expect(Object.keys(written)).toEqual([
        'suite',
        'node',
        'cpu',
        'cores',
        'date',
        'command',
        'smoke',
        'cases',
      ]);
      expect(written.command).toBe('npm run bench -- demo');
      expect(written.node).toBe(process.version);
      expect(written.date).toBe('1970-01-01T00:00:00.000Z');
      expect(written.cases[0]).toMatchObject({
        name: 'case',
        unit: 'ns/op',
        keel: 100,
        anchors: { 'anchor@1': 1000 },
        speedup: { 'anchor@1': 10 },
      });
      expect(formatTable(result)).toContain('Keel 10x faster');
      expect(markdownTable(result)).toContain('10x vs anchor@1');
      writeResults(suiteResult('demo', [summarise(samples)], true), dir);
      expect(readResults(dir).map((item) => item.suite)).toEqual(['demo']);
      const document = benchmarksDocument(readResults(dir));
      expect(document).toContain('## demo');
      expect(document).toContain('`npm run bench -- demo`');
      expect(document).toContain(`Node ${process.version}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ratio cases', () => {
  const item = {
    kind: 'ratio' as const,
    name: 'hit ratio, Zipf 0.9',
    unit: 'hit %',
    note: 'one million accesses',
    targets: { 'lru@1': 5, 'optimal (limit)': -5 },
    figures: () => ({
      keel: 44.853,
      anchors: { 'lru@1': 34.191 },
      limits: { 'optimal (limit)': 53.302 },
    }),
  };

  it('reports figures and differences in points, judges targets on the difference, and gives no speedup', () => {
    const result = summariseRatio(item, item.figures());
    expect(result).toMatchObject({
      kind: 'ratio',
      unit: 'hit %',
      keel: 44.85,
      anchors: { 'lru@1': 34.19, 'optimal (limit)': 53.3 },
      speedup: {},
      difference: { 'lru@1': 10.66, 'optimal (limit)': -8.45 },
      targets: { 'lru@1': { atLeast: 5, met: true }, 'optimal (limit)': { atLeast: -5, met: false } },
    });
    const table = formatTable(suiteResult('demo', [result], false));
    expect(table).toContain('44.85 hit %');
    expect(table).toContain('Keel +10.66 points');
    expect(table).toContain('Keel -8.45 points');
    expect(table).toContain('target >= -5 points vs optimal (limit): NOT met (measured -8.45 points)');
  });

  it('puts ratio cases in a table of their own in BENCHMARKS.md, numbered after the cost cases', () => {
    const cost = summarise({
      name: 'get',
      unit: 'ns/op',
      keel: [10],
      anchors: [['lru@1', [20]]],
      limits: [],
    });
    const document = benchmarksDocument([
      suiteResult('demo', [cost, summariseRatio(item, item.figures())], false),
    ]);
    expect(document).toContain('| 1 | get | ns/op | 10 | lru@1: 20 | 2x vs lru@1 | – |');
    expect(document).toContain('Keel difference (points, higher is better)');
    expect(document).toContain(
      '| 2 | hit ratio, Zipf 0.9 | hit % | 44.85 | lru@1: 34.19<br>optimal (limit): 53.30 | +10.66 points vs lru@1<br>-8.45 points vs optimal (limit) |',
    );
    expect(document).toContain('- Targets met: 1 of 2');
    expect(document).toContain(
      '- Case 2: target >= -5 points vs optimal (limit): NOT met (measured -8.45 points)',
    );
    expect(markdownTable(suiteResult('demo', [cost], false))).not.toContain('Keel difference');
  });

  it('runs through a suite into the results file without timing anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-bench-'));
    let computed = 0;
    const progress = { update: () => {}, done: () => {} };
    const write = process.stdout.write;
    process.stdout.write = () => true;
    try {
      const result = await runSuite(
        {
          name: 'ratio-demo',
          cases: () => [
            {
              ...item,
              figures: () => {
                computed++;
                return item.figures();
              },
            },
          ],
        },
        { ...FULL_CONFIG, smoke: true },
        progress as never,
        dir,
      );
      expect(computed).toBe(1);
      expect(result.cases[0]?.difference?.['lru@1']).toBe(10.66);
      const written = JSON.parse(readFileSync(resultsPath('ratio-demo', true, dir), 'utf8'));
      expect(written.cases[0]).toMatchObject({ kind: 'ratio', unit: 'hit %', keel: 44.85 });
    } finally {
      process.stdout.write = write;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('time cases', () => {
  it('divides every figure by the calls one operation makes', async () => {
    // A thousandfold division cannot hide in timing noise: the same work reads 1,000x cheaper.
    const work: TimedContender = {
      prepare: () => () => {
        let sum = 0;
        for (let i = 0; i < 2_000; i++) sum += i;
        return sum;
      },
    };
    const timed = (callsPerOperation?: number) =>
      runTimeCase(
        {
          kind: 'time',
          name: 'loop',
          keel: work,
          anchors: {},
          ...(callsPerOperation === undefined ? {} : { callsPerOperation }),
        },
        { ...SMOKE_CONFIG, rounds: 3, samplesPerRound: 3, sampleMs: 2 },
        () => {},
      );
    const whole = (await timed()).keel!;
    const perCall = (await timed(1_000)).keel!;
    expect(perCall).toBeGreaterThan(0);
    expect(perCall).toBeLessThan(whole / 50);
  });
});

describe('workspace sources compiled for benchmarks', () => {
  it('loads a workspace source file as plain JavaScript and leaves other modules alone', async () => {
    const hooks = await import('./compiled-source-hooks.mjs');
    const url = new URL('../../packages/core/src/policy/context.ts', import.meta.url).href;
    const loaded = (await hooks.load(url, {}, () => 'next')) as { format: string; source: string };
    expect(loaded.format).toBe('module');
    expect(loaded.source).toContain('class AbortableContext');
    expect(loaded.source).not.toContain('implements ExecuteContext');
    expect(loaded.source).not.toContain('__name');
    expect(await hooks.load('node:fs', {}, () => 'next')).toBe('next');
  });
});

describe('configuration', () => {
  it('selects the smoke run only when KEEL_BENCH_SMOKE is set to something other than 0', () => {
    expect(configFromEnv({ KEEL_BENCH_SMOKE: '1' })).toBe(SMOKE_CONFIG);
    expect(configFromEnv({ KEEL_BENCH_SMOKE: '0' })).toBe(FULL_CONFIG);
    expect(configFromEnv({})).toBe(FULL_CONFIG);
  });
});

describe('memory cases', () => {
  it('count what typed arrays keep outside the heap', () => {
    // A collector for this test: the flag exposes gc to contexts created afterwards.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // 4 KiB of elements per instance, which V8 keeps in an ArrayBuffer backing store.
    const bytes = bytesPerInstance({ create: () => new Float64Array(512) }, 200, gc);
    expect(bytes).toBeGreaterThan(4_096);
    expect(bytes).toBeLessThan(4_096 + 1_024);
  });
});
