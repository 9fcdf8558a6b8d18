/** The `load` module hook: workspace sources come back compiled, everything else goes to `nextLoad`. */
export function load(
  url: string,
  context: object,
  nextLoad: (url: string, context?: object) => unknown,
): Promise<unknown>;
