export type { Clock, TimerHandle } from './clock.js';
export {
  type CoarseClockOptions,
  coarseClock,
  coarseSystemClock,
  DEFAULT_COARSE_CLOCK_OPTIONS,
} from './coarse-clock.js';
export { systemClock } from './system-clock.js';
export { flushMicrotasks, VirtualClock } from './virtual-clock.js';
