import { describe, expect, it } from 'vitest';
import { extractExamples } from './check-doc-examples.mjs';

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
