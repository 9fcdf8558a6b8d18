/** One `@example` code block: its code, and the line its doc comment starts on. */
export interface DocExample {
  readonly line: number;
  readonly code: string;
}

/** The `ts` blocks after `@example` tags in the doc comments of `text`; relative imports resolved against `sourceDir`. */
export function extractExamples(text: string, sourceDir: string): DocExample[];

/** An exported declaration whose doc comment is missing or lacks both `@example` and `@internal`. */
export interface UndocumentedExport {
  /** The declaration's line, counted from 1. */
  readonly line: number;
  /** The declared name. */
  readonly name: string;
  /** `no doc comment`, or `doc comment has neither @example nor @internal`. */
  readonly problem: string;
}

/**
 * The `export function`, `export async function`, `export class`, `export abstract class` and
 * `export const` declarations of `text` without a doc comment directly above them, or whose doc
 * comment has neither an `@example` nor an `@internal` tag. Re-exports, interfaces and types are
 * not looked at.
 */
export function findUndocumentedExports(text: string): UndocumentedExport[];
