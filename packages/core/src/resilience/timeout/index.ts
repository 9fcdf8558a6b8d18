export { isTimeoutError, TimeoutError } from '../../errors/index.js';
export { isMalformedTimeoutHeaderError, MalformedTimeoutHeaderError } from './errors.js';
export type {
  TimeoutEvent,
  TimeoutFailureEvent,
  TimeoutMode,
  TimeoutOptions,
  TimeoutSettledEvent,
} from './timeout.js';
export { DEFAULT_TIMEOUT_OPTIONS, TimeoutPolicy, timeout } from './timeout.js';
export type { DeadlineFromHeadersOptions, HeaderSource } from './timeout-header.js';
export {
  deadlineFromHeaders,
  deadlineToHeaders,
  decodeTimeoutHeader,
  encodeTimeoutHeader,
  TIMEOUT_HEADER,
} from './timeout-header.js';
