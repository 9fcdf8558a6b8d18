export type { LinkedSignal } from './signal.js';
export {
  abortError,
  deadlineSignal,
  earliest,
  linkSignals,
  raceAbort,
  remaining,
  sleep,
  throwIfAborted,
} from './signal.js';
