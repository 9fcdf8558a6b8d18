export { AbortableContext, BaseContext, contextFrom, ForwardContext, linkableSignalOf } from './context.js';
export type { ExecuteContext, ExecuteOptions, Policy, PolicyFunction } from './policy.js';
