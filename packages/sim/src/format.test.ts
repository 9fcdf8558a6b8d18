import { describe, expect, it } from 'vitest';
import { chart, formatSummaryTable, sparkline } from './format.js';

describe('formatSummaryTable', () => {
  it('aligns columns and judges each change by its direction', () => {
    const table = formatSummaryTable({
      summary: {
        rows: [
          { label: 'Success rate', unit: '%', baseline: 80, pattern: 99.2, better: 'higher' },
          { label: 'p99 latency', unit: 'ms', baseline: 120, pattern: 180, better: 'lower' },
          { label: 'Missing', unit: '', baseline: Number.NaN, pattern: 1, better: 'lower' },
        ],
      },
    });
    const lines = table.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^Measure\s+Baseline\s+Pattern\s+Change$/);
    expect(lines[2]).toContain('+19.2 % (+24%) better');
    expect(lines[3]).toContain('+60 ms (+50%) worse');
    expect(lines[4]).toMatch(/-\s+1\s+-$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });
});

describe('sparkline and chart', () => {
  it('scales values to block characters, NaN as space', () => {
    expect(sparkline([0, 7, Number.NaN, 3.5])).toBe('▁█ ▅');
    expect(sparkline([5, 5])).toBe('▁▁');
    expect(sparkline([])).toBe('');
  });

  it('resamples long series to the width', () => {
    const values = Array.from({ length: 1_000 }, (_, i) => i);
    const line = sparkline(values, 10);
    expect([...line]).toHaveLength(10);
    expect(line.startsWith('▁')).toBe(true);
    expect(line.endsWith('█')).toBe(true);
  });

  it('labels each column with its range', () => {
    const text = chart({
      windowMs: 1,
      t: [0, 1, 2],
      columns: { ok: [1, 2, 3], 'latency.p99': [10, 30, 20] },
    });
    const [first, second] = text.split('\n');
    expect(first).toMatch(/^ok\s+▁▅█\s+1\.\.3$/);
    expect(second).toMatch(/^latency\.p99\s+▁█▅\s+10\.\.30$/);
  });
});
