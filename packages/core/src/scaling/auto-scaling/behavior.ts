import { InvalidOptionError } from '../../errors/index.js';
import { check, checkKnownKeys } from '../../options/index.js';

/**
 * A limit on how fast replicas change, as in Kubernetes' `HPAScalingPolicy`: at most `value`
 * replicas (`Pods`) or `value` percent of the replicas at the start of the period (`Percent`)
 * within any `periodMs`.
 * @category Auto-scaling
 */
export interface ScalingPolicy {
  readonly type: 'Pods' | 'Percent';
  /** Replicas, or percent of the replicas at the start of the period; > 0. */
  readonly value: number;
  /** Length of the sliding period the limit holds over, in ms; (0, 1 800 000]. */
  readonly periodMs: number;
}

/**
 * How policies combine: `Max` takes the policy allowing the largest change, `Min` the smallest,
 * `Disabled` forbids scaling in that direction.
 * @category Auto-scaling
 */
export type SelectPolicy = 'Max' | 'Min' | 'Disabled';

/**
 * Rules for one direction (Kubernetes' `HPAScalingRules`). Fields left out take the direction's
 * default.
 * @category Auto-scaling
 */
export interface ScalingRules {
  /**
   * Recommendations within this window are considered: scaling up uses the lowest of them,
   * scaling down the highest, so a change happens only once it has been wanted for the whole
   * window. In [0, 3 600 000] ms.
   * @default 0 (up), 300_000 (down)
   */
  readonly stabilizationWindowMs?: number;
  /** @default 'Max' */
  readonly selectPolicy?: SelectPolicy;
  /**
   * Rate limits; at least one unless `selectPolicy` is `Disabled`.
   * @default up: 100% or 4 replicas per 15 s; down: 100% per 15 s
   */
  readonly policies?: readonly ScalingPolicy[];
  /**
   * No scaling in this direction while the usage ratio is within this fraction of 1.
   * @default the calculator's `tolerance` (0.1)
   */
  readonly tolerance?: number;
}

/**
 * Scale-up and scale-down rules (Kubernetes' `HorizontalPodAutoscalerBehavior`).
 * @category Auto-scaling
 */
export interface ScalingBehavior {
  readonly scaleUp?: ScalingRules;
  readonly scaleDown?: ScalingRules;
}

/** Rules with every field filled in. */
export interface ResolvedScalingRules {
  readonly stabilizationWindowMs: number;
  readonly selectPolicy: SelectPolicy;
  readonly policies: readonly ScalingPolicy[];
  readonly tolerance: number;
}

/** Behavior with both directions filled in. */
export interface ResolvedScalingBehavior {
  readonly scaleUp: ResolvedScalingRules;
  readonly scaleDown: ResolvedScalingRules;
}

/**
 * The defaults of `autoscaling/v2` (Kubernetes documentation, "Default behavior"): scale up at
 * once by at most 100% or 4 replicas, whichever is more, every 15 s; scale down by at most
 * 100% every 15 s, after a 300 s stabilization window.
 * @example
 * ```ts
 * import { DEFAULT_SCALING_BEHAVIOR } from '@keel/core/auto-scaling';
 * console.log(DEFAULT_SCALING_BEHAVIOR.scaleDown.stabilizationWindowMs); // 300000
 * ```
 * @category Auto-scaling
 */
export const DEFAULT_SCALING_BEHAVIOR = Object.freeze({
  scaleUp: Object.freeze({
    stabilizationWindowMs: 0,
    selectPolicy: 'Max' as SelectPolicy,
    policies: Object.freeze([
      Object.freeze({ type: 'Percent', value: 100, periodMs: 15_000 }),
      Object.freeze({ type: 'Pods', value: 4, periodMs: 15_000 }),
    ] as const),
  }),
  scaleDown: Object.freeze({
    stabilizationWindowMs: 300_000,
    selectPolicy: 'Max' as SelectPolicy,
    policies: Object.freeze([Object.freeze({ type: 'Percent', value: 100, periodMs: 15_000 })] as const),
  }),
});

const MAX_WINDOW_MS = 3_600_000;
const MAX_PERIOD_MS = 1_800_000;

function resolveRules(
  field: string,
  rules: ScalingRules | undefined,
  defaults: {
    readonly stabilizationWindowMs: number;
    readonly selectPolicy: SelectPolicy;
    readonly policies: readonly ScalingPolicy[];
  },
  tolerance: number,
): ResolvedScalingRules {
  const given = check.object<ScalingRules>(field, rules) ?? {};
  checkKnownKeys(field, given, ['stabilizationWindowMs', 'selectPolicy', 'policies', 'tolerance']);
  const selectPolicy = check.oneOf(`${field}.selectPolicy`, given.selectPolicy, defaults.selectPolicy, [
    'Max',
    'Min',
    'Disabled',
  ]);
  const policies = given.policies ?? defaults.policies;
  if (!Array.isArray(policies))
    throw new InvalidOptionError(`${field}.policies`, policies, 'an array of policies');
  if (policies.length === 0 && selectPolicy !== 'Disabled')
    throw new InvalidOptionError(
      `${field}.policies`,
      policies,
      'at least one policy unless selectPolicy is Disabled',
    );
  const checked = policies.map((policy: ScalingPolicy, i: number) => {
    const at = `${field}.policies[${i}]`;
    check.object(at, policy);
    checkKnownKeys(at, policy, ['type', 'value', 'periodMs']);
    return Object.freeze({
      type: check.oneOf(`${at}.type`, policy.type, 'Pods', ['Pods', 'Percent']),
      value: check.integer(`${at}.value`, policy.value, Number.NaN, { min: 1 }),
      periodMs: check.duration(`${at}.periodMs`, policy.periodMs, Number.NaN, {
        above: 0,
        max: MAX_PERIOD_MS,
      }),
    });
  });
  return Object.freeze({
    stabilizationWindowMs: check.duration(
      `${field}.stabilizationWindowMs`,
      given.stabilizationWindowMs,
      defaults.stabilizationWindowMs,
      { max: MAX_WINDOW_MS },
    ),
    selectPolicy,
    policies: Object.freeze(checked),
    tolerance: check.number(`${field}.tolerance`, given.tolerance, tolerance, { min: 0 }),
  });
}

/**
 * Fills in a behavior field by field from {@link DEFAULT_SCALING_BEHAVIOR}, as the Kubernetes
 * API does, and validates it (each bad field throws InvalidOptionError naming it).
 * @example
 * ```ts
 * import { resolveBehavior } from '@keel/core/auto-scaling';
 * const behavior = resolveBehavior({ scaleDown: { stabilizationWindowMs: 60_000 } });
 * console.log(behavior.scaleDown.policies); // the default 100% per 15 s
 * ```
 * @category Auto-scaling
 */
export function resolveBehavior(
  behavior: ScalingBehavior | undefined,
  tolerance = 0.1,
  field = 'behavior',
): ResolvedScalingBehavior {
  const given = check.object<ScalingBehavior>(field, behavior) ?? {};
  checkKnownKeys(field, given, ['scaleUp', 'scaleDown']);
  return Object.freeze({
    scaleUp: resolveRules(`${field}.scaleUp`, given.scaleUp, DEFAULT_SCALING_BEHAVIOR.scaleUp, tolerance),
    scaleDown: resolveRules(
      `${field}.scaleDown`,
      given.scaleDown,
      DEFAULT_SCALING_BEHAVIOR.scaleDown,
      tolerance,
    ),
  });
}
