export type { Clock, TimerHandle } from './clock.js';
export { systemClock } from './system-clock.js';
export { flushMicrotasks, VirtualClock } from './virtual-clock.js';
