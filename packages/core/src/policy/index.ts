export { AbortableContext, BaseContext, contextFrom, ForwardContext } from './context.js';
export type { ExecuteContext, ExecuteOptions, Policy, PolicyFunction } from './policy.js';
