export type { KeelErrorOptions } from './keel-error.js';
export {
  AbortedError,
  describe,
  hasErrorCode,
  InvalidOptionError,
  isAbortedError,
  isInvalidOptionError,
  isKeelError,
  isTimeoutError,
  KeelError,
  TimeoutError,
} from './keel-error.js';
