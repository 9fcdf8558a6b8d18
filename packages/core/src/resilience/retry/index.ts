export * from './backoff/index.js';
export { isRetryAfterExceedsDeadlineError, RetryAfterExceedsDeadlineError } from './errors.js';
export type {
  BudgetExhaustedEvent,
  GiveUpEvent,
  GiveUpReason,
  RetryEvent,
  RetryOptions,
  RetryOutcome,
  RetrySuccessEvent,
} from './retry.js';
export { DEFAULT_RETRY_OPTIONS, RetryPolicy, retry } from './retry.js';
export { parseHttpDate, parseRetryAfter } from './retry-after.js';
export type { RetryBudgetOptions } from './retry-budget.js';
export { DEFAULT_RETRY_BUDGET_OPTIONS, RetryBudget } from './retry-budget.js';
