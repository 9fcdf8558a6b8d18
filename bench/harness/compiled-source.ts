import { register } from 'node:module';

/**
 * From now on, workspace package sources (`packages/<name>/src/**.ts`) load as TypeScript's
 * transpiler emits them, the same JavaScript the published build contains. Call before the
 * first import of `@keel/*`.
 */
export function loadWorkspaceSourcesCompiled(): void {
  register('./compiled-source-hooks.mjs', import.meta.url);
}
