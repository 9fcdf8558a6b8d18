import { InvalidOptionError } from '@keel/core/errors';
import { check, checkKnownKeys } from '@keel/core/options';
import type { Random } from '@keel/core/random';
import type { Distribution } from '../distributions.js';
import type { Simulator } from '../engine/simulator.js';
import type { Trace } from '../metrics/trace.js';
import type { LinkOptions, Network } from '../network/network.js';
import type { Service } from '../service/service.js';

/**
 * A fault that can be switched on and, later, off.
 * - `partition`: cut `a` from `b` (both ways unless `oneWay`).
 * - `isolate`: cut `node` from every other node.
 * - `crash`: crash `service`; it restarts when the fault ends, keeping its state if `keepState`.
 * - `brownout`: slow `service` down and add errors.
 * - `errors` / `hang`: raise a service's error or hang rate.
 * - `link`: change a link (latency, loss, ...) from `from` to `to` (and back if `both`).
 * - `skew`: step a node's clock by `offsetMs`, and back when the fault ends. Like an NTP step, this
 *   breaks the clock's monotonicity on purpose, to show what code that trusts it does.
 * @category Faults
 */
export type Fault =
  | {
      readonly kind: 'partition';
      readonly a: readonly string[];
      readonly b: readonly string[];
      readonly oneWay?: boolean;
    }
  | { readonly kind: 'isolate'; readonly node: string }
  | { readonly kind: 'crash'; readonly service: string; readonly keepState?: boolean }
  | {
      readonly kind: 'brownout';
      readonly service: string;
      readonly slowdown?: number;
      readonly errorRate?: number;
    }
  | { readonly kind: 'errors'; readonly service: string; readonly rate: number }
  | { readonly kind: 'hang'; readonly service: string; readonly rate: number }
  | {
      readonly kind: 'link';
      readonly from: string;
      readonly to: string;
      readonly both?: boolean;
      readonly link: LinkOptions;
    }
  | { readonly kind: 'skew'; readonly node: string; readonly offsetMs: number };

/**
 * A fault switched on at `at` and off `duration` ms later (Infinity: never).
 * @category Faults
 */
export interface ScheduledFault {
  readonly at: number;
  readonly duration: number;
  readonly fault: Fault;
}

/**
 * What faults act on: the network and the services by name.
 * @category Faults
 */
export interface FaultTarget {
  readonly network: Network;
  readonly services: ReadonlyMap<string, Service<any>>;
}

function serviceOf(target: FaultTarget, name: string): Service<any> {
  const service = target.services.get(name);
  if (!service)
    throw new InvalidOptionError('fault.service', name, `one of ${[...target.services.keys()].join(', ')}`);
  return service;
}

/**
 * Switches `fault` on now and returns the function that switches it off.
 * @example
 * ```ts
 * import { Network, Simulator, applyFault } from '@keel/sim';
 * const sim = new Simulator();
 * const network = new Network(sim);
 * network.node('a');
 * network.node('b');
 * const heal = applyFault({ network, services: new Map() }, { kind: 'partition', a: ['a'], b: ['b'] });
 * heal();
 * ```
 * @category Faults
 */
export function applyFault(target: FaultTarget, fault: Fault): () => void {
  const network = target.network;
  switch (fault.kind) {
    case 'partition': {
      const p = network.partition(fault.a, fault.b, { oneWay: fault.oneWay ?? false });
      return () => p.heal();
    }
    case 'isolate': {
      const p = network.isolate(fault.node);
      return () => p.heal();
    }
    case 'crash': {
      const service = serviceOf(target, fault.service);
      service.crash();
      return () => service.restart({ keepState: fault.keepState ?? false });
    }
    case 'brownout': {
      const options: { slowdown?: number; errorRate?: number } = {};
      if (fault.slowdown !== undefined) options.slowdown = fault.slowdown;
      if (fault.errorRate !== undefined) options.errorRate = fault.errorRate;
      return serviceOf(target, fault.service).brownout(options);
    }
    case 'errors':
      return serviceOf(target, fault.service).setErrorRate(fault.rate);
    case 'hang':
      return serviceOf(target, fault.service).setHangRate(fault.rate);
    case 'link':
      return fault.both
        ? network.linkBoth(fault.from, fault.to, fault.link)
        : network.link(fault.from, fault.to, fault.link);
    case 'skew': {
      const clock = network.get(fault.node).clock;
      const previous = clock.offsetMs;
      clock.offsetMs = previous + check.number('fault.offsetMs', fault.offsetMs, 0);
      return () => {
        clock.offsetMs = previous;
      };
    }
    default:
      throw new InvalidOptionError('fault.kind', (fault as { kind: unknown }).kind, 'a known fault kind');
  }
}

function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'partition':
      return `partition ${fault.a.join(',')} ${fault.oneWay ? '->' : '|'} ${fault.b.join(',')}`;
    case 'isolate':
      return `isolate ${fault.node}`;
    case 'link':
      return `link ${fault.from}${fault.both ? '<->' : '->'}${fault.to}`;
    case 'skew':
      return `skew ${fault.node} ${fault.offsetMs}ms`;
    default:
      return `${fault.kind} ${fault.service}`;
  }
}

interface Pending {
  readonly target: FaultTarget;
  readonly entry: ScheduledFault;
  readonly trace: Trace | undefined;
  readonly sim: Simulator;
  readonly counts: { applied: number; active: number };
}

function switchOn(p: Pending): void {
  const revert = applyFault(p.target, p.entry.fault);
  p.counts.applied++;
  p.counts.active++;
  p.trace?.emit('fault', { on: true, what: describeFault(p.entry.fault) });
  if (Number.isFinite(p.entry.duration))
    p.sim.schedule(
      p.entry.duration,
      () => {
        revert();
        p.counts.active--;
        p.trace?.emit('fault', { on: false, what: describeFault(p.entry.fault) });
      },
      undefined,
    );
}

/**
 * Arms every fault of `schedule` on the simulator. Returns live counts of faults applied and
 * currently active.
 * @example
 * ```ts
 * import { Network, Simulator, scheduleFaults } from '@keel/sim';
 * const sim = new Simulator();
 * const network = new Network(sim);
 * network.node('a');
 * network.node('b');
 * scheduleFaults(sim, { network, services: new Map() }, [
 *   { at: 1_000, duration: 500, fault: { kind: 'partition', a: ['a'], b: ['b'] } },
 * ]);
 * ```
 * @category Faults
 */
export function scheduleFaults(
  sim: Simulator,
  target: FaultTarget,
  schedule: readonly ScheduledFault[],
  trace?: Trace,
): { readonly applied: number; readonly active: number } {
  const counts = { applied: 0, active: 0 };
  schedule.forEach((entry, i) => {
    check.number(`schedule[${i}].at`, entry.at, 0, { min: 0 });
    check.duration(`schedule[${i}].duration`, entry.duration, 0, { allowInfinity: true });
    sim.scheduleAt<Pending>(entry.at, switchOn, { target, entry, trace, sim, counts });
  });
  return counts;
}

/**
 * Options of {@link randomFaults}.
 * @category Faults
 */
export interface RandomFaultOptions {
  /** Faults start within [0, horizonMs). */
  readonly horizonMs: number;
  /** Mean time between fault starts (Poisson). */
  readonly meanGapMs: number;
  /** Duration of each fault. */
  readonly duration: Distribution;
  /** The faults to choose from, uniformly. */
  readonly faults: readonly Fault[];
  /** First possible start. @default 0 */
  readonly startMs?: number;
}

/**
 * A fault schedule drawn from `random`: starts form a Poisson process, each picks one of
 * `faults` and a duration. The same seed gives the same schedule, so randomized chaos stays
 * replayable.
 * @example
 * ```ts
 * import { randomFaults, uniform } from '@keel/sim';
 * import { seededRandom } from '@keel/core/random';
 * const schedule = randomFaults(seededRandom(4), {
 *   horizonMs: 60_000, meanGapMs: 10_000, duration: uniform(1_000, 5_000),
 *   faults: [{ kind: 'crash', service: 'api' }],
 * });
 * console.log(schedule.length);
 * ```
 * @category Faults
 */
export function randomFaults(random: Random, options: RandomFaultOptions): ScheduledFault[] {
  checkKnownKeys('randomFaults', options, ['horizonMs', 'meanGapMs', 'duration', 'faults', 'startMs']);
  const horizon = check.duration('horizonMs', options.horizonMs, 0);
  const gap = check.duration('meanGapMs', options.meanGapMs, 0, { above: 0 });
  const start = check.duration('startMs', options.startMs, 0);
  if (typeof options.duration?.sample !== 'function')
    throw new InvalidOptionError('duration', options.duration, 'a Distribution');
  if (!Array.isArray(options.faults) || options.faults.length === 0)
    throw new InvalidOptionError('faults', options.faults, 'a non-empty array of faults');
  const out: ScheduledFault[] = [];
  let t = start;
  for (;;) {
    t += -gap * Math.log(1 - random.next());
    if (t >= horizon) return out;
    const fault = options.faults[Math.floor(random.next() * options.faults.length)]!;
    out.push({ at: t, duration: options.duration.sample(random), fault });
  }
}
