/** One `@example` code block: its code, and the line its doc comment starts on. */
export interface DocExample {
  readonly line: number;
  readonly code: string;
}

/** The `ts` blocks after `@example` tags in the doc comments of `text`; relative imports resolved against `sourceDir`. */
export function extractExamples(text: string, sourceDir: string): DocExample[];
