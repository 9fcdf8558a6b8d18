export { isTwoTierStartError, TwoTierStartError, type TwoTierStartStage } from './errors.js';
export {
  DEFAULT_TWO_TIER_CACHE_OPTIONS,
  DEFAULT_TWO_TIER_START_OPTIONS,
  TwoTierCache,
  type TwoTierCacheOptions,
  type TwoTierInvalidation,
  type TwoTierLoader,
  type TwoTierStartOptions,
  type TwoTierState,
  type TwoTierStateChange,
  type TwoTierStats,
} from './two-tier-cache.js';
