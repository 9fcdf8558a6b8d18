export {
  DEFAULT_TWO_TIER_CACHE_OPTIONS,
  TwoTierCache,
  type TwoTierCacheOptions,
  type TwoTierInvalidation,
  type TwoTierLoader,
  type TwoTierState,
  type TwoTierStateChange,
  type TwoTierStats,
} from './two-tier-cache.js';
