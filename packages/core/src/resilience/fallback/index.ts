export {
  DEFAULT_FALLBACK_OPTIONS,
  type FallbackEvent,
  type FallbackHandler,
  type FallbackOptions,
  type FallbackOutcome,
  FallbackPolicy,
  fallback,
} from './fallback.js';
