import { hasErrorCode, KeelError, type KeelErrorOptions } from '@keel/core/errors';

/**
 * Why a simulated service answered with an error.
 * - `injected`: the service's configured error rate fired.
 * - `brownout`: the extra error rate of an active brown-out fired.
 * - `overloaded`: every worker was busy and the queue was full.
 * @category Simulation
 */
export type ServiceErrorReason = 'injected' | 'brownout' | 'overloaded';

/**
 * The error a simulated service answers with. Crossing the simulated network, it is what a
 * caller's promise rejects with, so resilience policies see an ordinary failure.
 *
 * @example
 * ```ts
 * import { ServiceError, isServiceError } from '@keel/sim';
 * const error = new ServiceError('payments', 'injected');
 * console.log(isServiceError(error), error.reason); // true injected
 * ```
 * @category Simulation
 */
export class ServiceError extends KeelError {
  override readonly name = 'ServiceError' as const;
  readonly code = 'KEEL_SIM_SERVICE_ERROR' as const;
  constructor(
    /** Name of the service that failed. */
    readonly service: string,
    /** Why it failed. */
    readonly reason: ServiceErrorReason,
    options?: KeelErrorOptions,
  ) {
    super(`Simulated service "${service}" failed (${reason})`, options);
  }
}

/**
 * True when `error` is a {@link ServiceError}.
 * @example
 * ```ts
 * import { isServiceError } from '@keel/sim';
 * console.log(isServiceError(new Error('plain'))); // false
 * ```
 * @category Simulation
 */
export const isServiceError = (error: unknown): error is ServiceError =>
  hasErrorCode(error, 'KEEL_SIM_SERVICE_ERROR');

/**
 * Thrown when a scenario id is not in the registry asked.
 *
 * @example
 * ```ts
 * import { getScenario, isUnknownScenarioError } from '@keel/sim';
 * try { getScenario('nope'); } catch (error) { console.log(isUnknownScenarioError(error)); }
 * ```
 * @category Simulation
 */
export class UnknownScenarioError extends KeelError {
  override readonly name = 'UnknownScenarioError' as const;
  readonly code = 'KEEL_SIM_UNKNOWN_SCENARIO' as const;
  constructor(
    /** The id that was looked up. */
    readonly id: string,
    /** The ids that are registered. */
    readonly known: readonly string[],
  ) {
    super(`No scenario "${id}"; registered: ${known.length ? known.join(', ') : '(none)'}`);
  }
}

/**
 * True when `error` is an {@link UnknownScenarioError}.
 * @example
 * ```ts
 * import { isUnknownScenarioError, UnknownScenarioError } from '@keel/sim';
 * console.log(isUnknownScenarioError(new UnknownScenarioError('x', []))); // true
 * ```
 * @category Simulation
 */
export const isUnknownScenarioError = (error: unknown): error is UnknownScenarioError =>
  hasErrorCode(error, 'KEEL_SIM_UNKNOWN_SCENARIO');

/**
 * Thrown by `Simulator.run` when a run of the same simulator is still in progress: runs do not
 * overlap, await the first one.
 *
 * @example
 * ```ts
 * import { Simulator, isSimulatorBusyError } from '@keel/sim';
 * const sim = new Simulator();
 * const first = sim.run(10);
 * try { await sim.run(20); } catch (error) { console.log(isSimulatorBusyError(error)); } // true
 * await first;
 * ```
 * @category Simulation
 */
export class SimulatorBusyError extends KeelError {
  override readonly name = 'SimulatorBusyError' as const;
  readonly code = 'KEEL_SIM_BUSY' as const;
  constructor() {
    super('Simulator.run is already in progress');
  }
}

/**
 * True when `error` is a {@link SimulatorBusyError}.
 * @example
 * ```ts
 * import { isSimulatorBusyError } from '@keel/sim';
 * console.log(isSimulatorBusyError(new Error('x'))); // false
 * ```
 * @category Simulation
 */
export const isSimulatorBusyError = (error: unknown): error is SimulatorBusyError =>
  hasErrorCode(error, 'KEEL_SIM_BUSY');
