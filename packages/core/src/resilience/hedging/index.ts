export { DEFAULT_HEDGING_BUDGET_OPTIONS, HedgingBudget, type HedgingBudgetOptions } from './budget.js';
export { HedgeLostError, isHedgeLostError } from './errors.js';
export {
  DEFAULT_HEDGING_OPTIONS,
  type HedgeBudgetExhaustedEvent,
  type HedgeEvent,
  type HedgeWinEvent,
  type HedgingOptions,
  type HedgingPercentileDelay,
  HedgingPolicy,
  hedging,
} from './hedging.js';
export { LatencyWindow } from './latency-window.js';
