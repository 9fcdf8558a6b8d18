export type { Random } from './random.js';
export { SeededRandom, seededRandom, systemRandom } from './random.js';
