import { InvalidOptionError } from '../../errors/index.js';
import type { TripPolicySnapshot } from './breaker/trip-policy.js';
import type { CircuitStateKind } from './state.js';

/**
 * A plain, JSON-safe picture of a circuit: enough to carry its state across a restart or to
 * another process (a serverless instance, say) and restore it with the `hydrate` option.
 *
 * Times are readings of the exporting circuit's clock; `exportedAt` lets the hydrating circuit
 * shift them onto its own clock, so only the elapsed time matters. `until` is `null` for a
 * break with no end (JSON has no `Infinity`). Probes in flight are not exported: a restored
 * half-open circuit starts with all its permits free.
 * @example
 * ```ts
 * import { circuitBreaker, type CircuitBreakerSnapshot } from '@keel/core/circuit-breaker';
 * const saved: CircuitBreakerSnapshot = JSON.parse(JSON.stringify(circuitBreaker().toJSON()));
 * const restored = circuitBreaker({ hydrate: saved });
 * ```
 * @category Circuit breaker
 */
export interface CircuitBreakerSnapshot {
  readonly version: 1;
  readonly state: CircuitStateKind;
  readonly generation: number;
  /** Clock reading when the snapshot was taken. */
  readonly exportedAt: number;
  /** When the circuit opened (open) or became half-open (half-open); `null` otherwise. */
  readonly openedAt: number | null;
  /** When an open circuit lets a probe through; `null` when not open or when the break has no end. */
  readonly until: number | null;
  /** Consecutive openings since the circuit was last closed. */
  readonly openings: number;
  /** Probe successes so far (half-open only; otherwise 0). */
  readonly probeSuccesses: number;
  /** The trip policy's counters. */
  readonly breaker: TripPolicySnapshot;
}

const STATES: readonly CircuitStateKind[] = ['closed', 'open', 'half-open', 'isolated'];

/**
 * Checks that `value` is a well-formed {@link CircuitBreakerSnapshot}, throwing
 * `InvalidOptionError` naming the first bad field (prefixed with `field`).
 * @example
 * ```ts
 * import { parseCircuitSnapshot } from '@keel/core/circuit-breaker';
 * const snapshot = parseCircuitSnapshot(JSON.parse('{"version":1}'), 'saved'); // throws: saved.state
 * ```
 * @category Circuit breaker
 */
export function parseCircuitSnapshot(value: unknown, field = 'hydrate'): CircuitBreakerSnapshot {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidOptionError(field, value, 'a circuit breaker snapshot object');
  const s = value as Record<string, unknown>;
  if (s['version'] !== 1) throw new InvalidOptionError(`${field}.version`, s['version'], '1');
  const state = s['state'];
  if (typeof state !== 'string' || !STATES.includes(state as CircuitStateKind))
    throw new InvalidOptionError(`${field}.state`, state, `one of ${STATES.join(', ')}`);
  const generation = integer(s, 'generation', field);
  const exportedAt = finite(s, 'exportedAt', field);
  const openings = integer(s, 'openings', field);
  const probeSuccesses = integer(s, 'probeSuccesses', field);
  const timed = state === 'open' || state === 'half-open';
  const openedAt = s['openedAt'];
  if (timed ? typeof openedAt !== 'number' || !Number.isFinite(openedAt) : openedAt !== null)
    throw new InvalidOptionError(`${field}.openedAt`, openedAt, timed ? 'a finite number' : 'null');
  const until = s['until'];
  if (
    state === 'open'
      ? until !== null && (typeof until !== 'number' || !Number.isFinite(until))
      : until !== null
  )
    throw new InvalidOptionError(
      `${field}.until`,
      until,
      state === 'open' ? 'a finite number or null' : 'null',
    );
  if (timed && openings < 1) throw new InvalidOptionError(`${field}.openings`, openings, 'an integer >= 1');
  const breaker = s['breaker'];
  if (
    typeof breaker !== 'object' ||
    breaker === null ||
    Array.isArray(breaker) ||
    typeof (breaker as { kind?: unknown }).kind !== 'string'
  )
    throw new InvalidOptionError(`${field}.breaker`, breaker, 'an object with a string kind');
  return {
    version: 1,
    state: state as CircuitStateKind,
    generation,
    exportedAt,
    openedAt: openedAt as number | null,
    until: until as number | null,
    openings,
    probeSuccesses,
    breaker: breaker as TripPolicySnapshot,
  };
}

function integer(s: Record<string, unknown>, name: string, field: string): number {
  const v = s[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new InvalidOptionError(`${field}.${name}`, v, 'an integer >= 0');
  return v;
}

function finite(s: Record<string, unknown>, name: string, field: string): number {
  const v = s[name];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new InvalidOptionError(`${field}.${name}`, v, 'a finite number');
  return v;
}
