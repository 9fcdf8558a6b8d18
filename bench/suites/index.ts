import type { Suite } from '../harness/types.js';

/**
 * Every benchmark suite, loaded on demand. Adding a suite is one line here plus its file in
 * this folder exporting `suite`.
 */
export const suites: Readonly<Record<string, () => Promise<Suite>>> = {
  resilience: async () => (await import('./resilience.js')).suite,
  sim: async () => (await import('./sim.js')).suite,
  coordination: async () => (await import('./coordination.js')).suite,
  scaling: async () => (await import('./scaling.js')).suite,
};
