import { describe, expect, it } from 'vitest';
import type { Policy } from '../../policy/index.js';
import { pipelineBuilder } from './builder.js';
import { noopPolicy } from './noop.js';

const tagged = (tag: string): Policy & { tag: string } => ({
  tag,
  execute: (fn) => Promise.resolve(fn({ signal: new AbortController().signal, deadline: 0, attempt: 1 })),
});

describe('pipelineBuilder', () => {
  it('adds layers outermost first and never changes an existing builder', () => {
    const a = tagged('a');
    const b = tagged('b');
    const c = tagged('c');
    const base = pipelineBuilder().add(a);
    const left = base.add(b);
    const right = base.add(c);
    expect(base.size).toBe(1);
    expect(left.build().policies).toEqual([a, b]);
    expect(right.build().policies).toEqual([a, c]);
  });

  it('adds a layer only when the condition holds', () => {
    const a = tagged('a');
    const builder = pipelineBuilder().add(a);
    expect(builder.addIf(false, tagged('skipped'))).toBe(builder);
    expect(builder.addIf(true, noopPolicy).size).toBe(2);
  });

  it('builds a pass-through pipeline when empty', async () => {
    const built = pipelineBuilder().build();
    expect(built.policies).toEqual([]);
    await expect(built.execute(({ attempt }) => attempt)).resolves.toBe(1);
  });
});
