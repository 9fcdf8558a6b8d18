import { describe, expect, it } from 'vitest';
import { extractExamples, findUndocumentedExports } from './check-doc-examples.mjs';

describe('doc example extraction', () => {
  it('takes the ts blocks after @example tags of doc comments, without their asterisks', () => {
    const text = [
      "import { x } from './x.js';",
      '',
      '/**',
      ' * Does a thing.',
      ' * @example',
      ' * ```ts',
      " * import { thing } from '@keel/core/thing';",
      ' * console.log(thing(1));',
      ' * ```',
      ' */',
      'export function thing(n: number): number {',
      '  /* ```ts not an example ``` */',
      '  return n;',
      '}',
      '/** No example here. ```ts const ignored = 1; ``` */',
      '/**',
      ' * @example',
      ' * ```js',
      ' * not typescript',
      ' * ```',
      ' * @example',
      ' * ```typescript',
      " * import { x } from './x.js';",
      " * const y = await import('../y.js');",
      ' * ```',
      ' */',
    ].join('\n');
    expect(extractExamples(text, '/repo/packages/core/src/a')).toEqual([
      { line: 3, code: "import { thing } from '@keel/core/thing';\nconsole.log(thing(1));\n" },
      {
        line: 16,
        code: "import { x } from '/repo/packages/core/src/a/x.js';\nconst y = await import('/repo/packages/core/src/y.js');\n",
      },
    ]);
  });
});

describe('undocumented export detection', () => {
  const check = (...lines: string[]) => findUndocumentedExports(lines.join('\n'));

  it('accepts an export whose doc comment has an example', () => {
    expect(
      check(
        '/**',
        ' * Adds one.',
        ' * @example',
        ' * ```ts',
        " * import { inc } from '@keel/core/inc';",
        ' * console.log(inc(1));',
        ' * ```',
        ' */',
        'export function inc(n: number): number {',
        '  return n + 1;',
        '}',
      ),
    ).toEqual([]);
  });

  it('accepts an export marked @internal, on its own line or leading a one-line comment', () => {
    expect(
      check(
        '/**',
        ' * Shared plumbing.',
        ' * @internal',
        ' */',
        'export class Plumbing {}',
        '/** @internal Tolerance for rounding. */',
        'export const EPSILON = 1e-9;',
      ),
    ).toEqual([]);
  });

  it('flags an export with no doc comment right above it, naming its line', () => {
    expect(
      check(
        "import { x } from './x.js';",
        '',
        'export async function load(): Promise<void> {}',
        '/** Separated by a blank line. @internal */',
        '',
        'export abstract class Base {}',
        '// A line comment is not a doc comment.',
        'export function* ids() {}',
        '/* Nor is a plain block comment. @example */',
        'export class Plain {}',
      ),
    ).toEqual([
      { line: 3, name: 'load', problem: 'no doc comment' },
      { line: 6, name: 'Base', problem: 'no doc comment' },
      { line: 8, name: 'ids', problem: 'no doc comment' },
      { line: 10, name: 'Plain', problem: 'no doc comment' },
    ]);
  });

  it('flags a doc comment with neither @example nor @internal', () => {
    expect(
      check(
        '/**',
        ' * Default options; see `@example` of {@link make}.',
        ' * @category Options',
        ' */',
        'export const DEFAULTS = { size: 1 };',
        '/** One-liner. */',
        'export class Thing {}',
      ),
    ).toEqual([
      { line: 5, name: 'DEFAULTS', problem: 'doc comment has neither @example nor @internal' },
      { line: 7, name: 'Thing', problem: 'doc comment has neither @example nor @internal' },
    ]);
  });

  it('ignores re-exports, interfaces, types, enums and indented declarations', () => {
    expect(
      check(
        "export { a, b } from './a.js';",
        "export type { C } from './c.js';",
        "export * from './d.js';",
        'export {',
        '  e,',
        '};',
        'export interface Options {}',
        'export type Id = string;',
        'export const enum Flag { On = 1 }',
        'namespace N {',
        '  export const inner = 1;',
        '}',
      ),
    ).toEqual([]);
  });

  it('flags an undocumented `export const` arrow function', () => {
    expect(check('export const isReady = (value: unknown): boolean => value === true;')).toEqual([
      { line: 1, name: 'isReady', problem: 'no doc comment' },
    ]);
  });
});
