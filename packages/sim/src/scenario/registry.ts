import { InvalidOptionError } from '@keel/core/errors';
import { UnknownScenarioError } from '../errors.js';
import type { KnobSpecs } from './knobs.js';
import type { Scenario } from './scenario.js';

/**
 * A set of scenarios by id. Pattern folders register theirs into {@link scenarios} (the
 * default registry); a UI or a command line lists and runs them.
 *
 * @example
 * ```ts
 * import { ScenarioRegistry } from '@keel/sim';
 * const registry = new ScenarioRegistry();
 * console.log(registry.list().length); // 0
 * ```
 * @category Scenarios
 */
export class ScenarioRegistry {
  private readonly byId = new Map<string, Scenario<any>>();

  /** Adds a scenario; an id may be registered once (re-registering the same object is a no-op). */
  register<K extends KnobSpecs>(scenario: Scenario<K>): Scenario<K> {
    if (typeof scenario?.id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(scenario.id))
      throw new InvalidOptionError(
        'scenario.id',
        scenario?.id,
        'a lower-case slug such as "circuit-breaker"',
      );
    if (typeof scenario.run !== 'function')
      throw new InvalidOptionError('scenario.run', scenario.run, 'a function');
    const existing = this.byId.get(scenario.id);
    if (existing && existing !== scenario)
      throw new InvalidOptionError('scenario.id', scenario.id, 'an id not registered yet');
    this.byId.set(scenario.id, scenario);
    return scenario;
  }

  /** The scenario with this id; throws {@link UnknownScenarioError} when there is none. */
  get(id: string): Scenario<any> {
    const scenario = this.byId.get(id);
    if (!scenario) throw new UnknownScenarioError(id, this.ids());
    return scenario;
  }

  /** True when `id` is registered. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Every scenario, sorted by id. */
  list(): Scenario<any>[] {
    return this.ids().map((id) => this.byId.get(id)!);
  }

  /** Every id, sorted. */
  ids(): string[] {
    return [...this.byId.keys()].sort();
  }
}

/**
 * The default registry.
 * @example
 * ```ts
 * import { scenarios } from '@keel/sim';
 * console.log(scenarios.ids());
 * ```
 * @category Scenarios
 */
export const scenarios: ScenarioRegistry = new ScenarioRegistry();

/**
 * Registers a scenario in the default registry; call it at the top level of a pattern's
 * `scenario.ts`.
 * @example
 * ```ts
 * import { defineScenario, registerScenario, runVariants } from '@keel/sim';
 * registerScenario(defineScenario({
 *   id: 'noop', name: 'No-op', description: 'Runs two empty worlds.', knobs: {}, defaultDurationMs: 1_000,
 *   run: (seed, _knobs, options) => runVariants(seed, options, { baseline: () => {}, pattern: () => {} }, () => []),
 * }));
 * ```
 * @category Scenarios
 */
export function registerScenario<K extends KnobSpecs>(scenario: Scenario<K>): Scenario<K> {
  return scenarios.register(scenario);
}

/**
 * The scenario of this id in the default registry.
 * @example
 * ```ts
 * import { getScenario, isUnknownScenarioError } from '@keel/sim';
 * try { getScenario('missing'); } catch (error) { console.log(isUnknownScenarioError(error)); }
 * ```
 * @category Scenarios
 */
export function getScenario(id: string): Scenario<any> {
  return scenarios.get(id);
}

/**
 * Every scenario of the default registry, sorted by id.
 * @example
 * ```ts
 * import { listScenarios } from '@keel/sim';
 * for (const scenario of listScenarios()) console.log(scenario.id, scenario.name);
 * ```
 * @category Scenarios
 */
export function listScenarios(): Scenario<any>[] {
  return scenarios.list();
}
