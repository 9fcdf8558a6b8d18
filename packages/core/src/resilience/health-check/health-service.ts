import type { Clock } from '../../clock/index.js';
import { systemClock } from '../../clock/index.js';
import { InvalidOptionError } from '../../errors/index.js';
import type { Disposable, Event } from '../../events/index.js';
import { EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import { sleep } from '../../signal/index.js';
import type { CheckOutcome } from './check-runner.js';
import { CheckRunner } from './check-runner.js';
import type { HealthCheck, HealthCheckOptions } from './health-check.js';
import { resolveHealthCheck } from './health-check.js';
import type { ComponentDetail, HealthReport, HealthStatus, ProbeKind } from './types.js';
import { worstStatus } from './types.js';

/**
 * What a report covers: one probe, or `health` for every check (a dashboard view).
 * @category Health
 */
export type ReportKind = ProbeKind | 'health';

/**
 * The lifecycle of a service, as a discriminated union on `kind`:
 * `starting` until the startup checks first pass, `running` after, `shutting-down` once
 * {@link HealthService.beginShutdown} is called.
 * @category Health
 */
export type HealthState =
  | { readonly kind: 'starting' }
  | { readonly kind: 'running'; readonly since: number }
  | { readonly kind: 'shutting-down'; readonly since: number };

/**
 * Emitted on every lifecycle transition.
 * @category Health
 */
export interface HealthStateChange {
  readonly from: HealthState;
  readonly to: HealthState;
}

/**
 * Emitted after every real run of a check (cached reads emit nothing), for metrics.
 * @category Health
 */
export interface CheckCompleted {
  readonly name: string;
  readonly status: HealthStatus;
  readonly critical: boolean;
  readonly durationMs: number;
}

/**
 * Options of {@link healthService}. The descriptive fields are copied into every report.
 * @category Health
 */
export interface HealthServiceOptions {
  /** Checks to register at once; more can be added with {@link HealthService.add}. @default [] */
  readonly checks?: readonly HealthCheck[];
  /** Defaults for every check's tuning; a check's own fields win. @default DEFAULT_HEALTH_CHECK_OPTIONS */
  readonly defaults?: HealthCheckOptions;
  /** Source of time for timeouts, caching, refresh and the grace period. @default systemClock */
  readonly clock?: Clock;
  /** Public version of the service (`version` in the report). @default undefined */
  readonly version?: string;
  /** Release identifier, such as a commit (`releaseId`). @default undefined */
  readonly releaseId?: string;
  /** Unique identifier of this service instance (`serviceId`). @default undefined */
  readonly serviceId?: string;
  /** Human-friendly description of the service. @default undefined */
  readonly description?: string;
  /** Notes copied into every report. @default undefined */
  readonly notes?: readonly string[];
  /**
   * How long {@link HealthService.drain} waits after failing readiness, so load balancers
   * and endpoint controllers notice before connections are closed.
   * @default 5000
   */
  readonly shutdownGraceMs?: number;
}

/**
 * Defaults for {@link HealthServiceOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_HEALTH_SERVICE_OPTIONS } from '@keel/core/health-check';
 * // drain() fails readiness, then waits this long so traffic moves away before shutdown.
 * console.log(DEFAULT_HEALTH_SERVICE_OPTIONS.shutdownGraceMs); // 5000
 * ```
 * @category Health
 */
export const DEFAULT_HEALTH_SERVICE_OPTIONS = {
  shutdownGraceMs: 5_000,
} as const;

const SERVICE_KEYS = [
  'checks',
  'defaults',
  'clock',
  'version',
  'releaseId',
  'serviceId',
  'description',
  'notes',
  'shutdownGraceMs',
] as const;

/**
 * Options of {@link HealthService.drain}.
 * @category Health
 */
export interface DrainOptions {
  /** Overrides the service's `shutdownGraceMs`. @default the service's shutdownGraceMs */
  readonly graceMs?: number;
  /** Cuts the wait short (the promise rejects with the signal's reason). @default undefined */
  readonly signal?: AbortSignal;
}

type Header = Omit<HealthReport, 'status' | 'checks' | 'output'>;

function optionalString(field: string, value: unknown): string | undefined {
  return value === undefined ? undefined : check.string(field, value);
}

/**
 * Runs named health checks and answers liveness, readiness and startup probes with
 * `application/health+json` documents.
 *
 * - Liveness runs only checks tagged `liveness` (none by default), so a dependency outage
 *   never restarts the process.
 * - Readiness and liveness are held back until the startup checks first pass.
 * - After {@link beginShutdown}, readiness fails at once with output `shutting down` while
 *   liveness keeps passing.
 *
 * @example
 * ```ts
 * import { healthService } from '@keel/core/health-check';
 * const health = healthService({ version: '1.4.0' });
 * health.add({ name: 'cache', measurement: 'responseTime', check: () => ({ observedValue: 3, observedUnit: 'ms' }) });
 * const report = await health.readiness();
 * console.log(report.status); // 'pass'
 * ```
 * @category Health
 */
export class HealthService implements Disposable {
  private readonly clock: Clock;
  private readonly defaults: HealthCheckOptions;
  private readonly header: Header;
  private readonly shutdownGraceMs: number;
  private readonly runners: CheckRunner[] = [];
  private current: HealthState = { kind: 'starting' };
  private startupReport: HealthReport | undefined;
  private disposed = false;
  private started = false;
  private readonly stateChanges = new EventEmitter<HealthStateChange>();
  private readonly completions = new EventEmitter<CheckCompleted>();

  /** Fires on every lifecycle transition. */
  readonly onStateChange: Event<HealthStateChange> = this.stateChanges.event;
  /** Fires after every real run of a check. */
  readonly onCheckCompleted: Event<CheckCompleted> = this.completions.event;

  constructor(options: HealthServiceOptions = {}) {
    check.object('options', options);
    checkKnownKeys('options', options, SERVICE_KEYS);
    this.clock = check.object<Clock>('clock', options.clock) ?? systemClock;
    if (typeof this.clock.now !== 'function' || typeof this.clock.setTimeout !== 'function')
      throw new InvalidOptionError('clock', options.clock, 'a Clock');
    this.defaults = check.object<HealthCheckOptions>('defaults', options.defaults) ?? {};
    // Validate the defaults once, through a throwaway check, so a bad default is reported early.
    resolveHealthCheck('defaults', { name: 'defaults', check: () => undefined, ...this.defaults });
    this.shutdownGraceMs = check.duration(
      'shutdownGraceMs',
      options.shutdownGraceMs,
      DEFAULT_HEALTH_SERVICE_OPTIONS.shutdownGraceMs,
    );
    const header: { -readonly [K in keyof Header]: Header[K] } = {};
    const version = optionalString('version', options.version);
    const releaseId = optionalString('releaseId', options.releaseId);
    const serviceId = optionalString('serviceId', options.serviceId);
    const description = optionalString('description', options.description);
    if (version !== undefined) header.version = version;
    if (releaseId !== undefined) header.releaseId = releaseId;
    if (serviceId !== undefined) header.serviceId = serviceId;
    if (description !== undefined) header.description = description;
    if (options.notes !== undefined) {
      if (!Array.isArray(options.notes))
        throw new InvalidOptionError('notes', options.notes, 'an array of strings');
      for (const [i, note] of options.notes.entries()) check.string(`notes[${i}]`, note);
      header.notes = [...options.notes];
    }
    this.header = header;
    if (options.checks !== undefined) {
      if (!Array.isArray(options.checks))
        throw new InvalidOptionError('checks', options.checks, 'an array of health checks');
      const resolved = options.checks.map((c, i) => resolveHealthCheck(`checks[${i}]`, c, this.defaults));
      for (const c of resolved) this.register(c);
    }
  }

  /** The current lifecycle state. */
  get state(): HealthState {
    return this.current;
  }

  /**
   * Registers a check; dispose the result to remove it again.
   * @throws InvalidOptionError for a bad definition, or one whose key and componentId are
   * already registered.
   */
  add(healthCheck: HealthCheck): Disposable {
    const runner = this.register(resolveHealthCheck('check', healthCheck, this.defaults));
    return {
      dispose: () => {
        runner.stop();
        const index = this.runners.indexOf(runner);
        if (index >= 0) this.runners.splice(index, 1);
      },
    };
  }

  /** Answers a liveness probe: only checks tagged `liveness`; unaffected by shutdown. */
  async liveness(): Promise<HealthReport> {
    if (this.current.kind === 'starting') {
      if (!this.hasChecks('startup')) this.transition({ kind: 'running', since: this.clock.now() });
      // Failing liveness while a slow start is still under way would restart the process
      // before it ever becomes ready, so the gate reports pass without running checks.
      else return this.build('pass', {}, 'starting up');
    }
    return this.evaluate('liveness');
  }

  /** Answers a readiness probe; fails while starting up or shutting down. */
  async readiness(): Promise<HealthReport> {
    if (this.current.kind === 'shutting-down') return this.build('fail', {}, 'shutting down');
    if (this.current.kind === 'starting') {
      const startup = await this.startup();
      if (startup.status === 'fail') return this.build('fail', startup.checks, 'starting up');
      // The state may have moved to shutting-down while the startup checks ran.
      if (this.state.kind === 'shutting-down') return this.build('fail', {}, 'shutting down');
    }
    return this.evaluate('readiness');
  }

  /**
   * Answers a startup probe. Once the startup checks have passed, the passing report is
   * returned without running them again, as orchestrators stop asking after the first success.
   */
  async startup(): Promise<HealthReport> {
    if (this.startupReport !== undefined) return this.startupReport;
    const report = await this.evaluate('startup');
    if (report.status !== 'fail' && this.startupReport === undefined) {
      this.startupReport = report;
      if (this.current.kind === 'starting') this.transition({ kind: 'running', since: this.clock.now() });
    }
    return report;
  }

  /** Runs every check, whatever its probes: a full view for dashboards and humans. */
  async health(): Promise<HealthReport> {
    const report = await this.evaluate(undefined);
    if (this.current.kind === 'shutting-down') return this.build('fail', report.checks, 'shutting down');
    return report;
  }

  /** The report for `kind`. */
  report(kind: ReportKind): Promise<HealthReport> {
    switch (kind) {
      case 'liveness':
        return this.liveness();
      case 'readiness':
        return this.readiness();
      case 'startup':
        return this.startup();
      default:
        return this.health();
    }
  }

  /** Ends the startup phase by hand, such as after migrations ran. */
  markStarted(): void {
    if (this.current.kind !== 'starting') return;
    this.startupReport = this.build('pass', {}, undefined);
    this.transition({ kind: 'running', since: this.clock.now() });
  }

  /** Makes readiness fail from now on; liveness keeps passing. Calling it again does nothing. */
  beginShutdown(): void {
    if (this.current.kind === 'shutting-down') return;
    this.transition({ kind: 'shutting-down', since: this.clock.now() });
  }

  /**
   * Begins shutdown, then waits the grace period so traffic moves away before the caller
   * closes its servers and connections.
   * @example
   * ```ts
   * import { healthService } from '@keel/core/health-check';
   * const health = healthService({ shutdownGraceMs: 0 });
   * await health.drain();
   * console.log(health.state.kind); // 'shutting-down'
   * ```
   */
  async drain(options: DrainOptions = {}): Promise<void> {
    check.object('drain', options);
    checkKnownKeys('drain', options, ['graceMs', 'signal']);
    const graceMs = check.duration('drain.graceMs', options.graceMs, this.shutdownGraceMs);
    const signal = check.signal('drain.signal', options.signal);
    this.beginShutdown();
    if (graceMs > 0) await sleep(this.clock, graceMs, signal);
  }

  /**
   * Starts background refresh for the checks that ask for it, now and when added later.
   * {@link healthService} calls it; a service made with `new` starts on demand.
   */
  start(): void {
    if (this.disposed || this.started) return;
    this.started = true;
    for (const runner of this.runners) runner.startRefresh();
  }

  /** Stops background refresh and event delivery. */
  dispose(): void {
    this.disposed = true;
    for (const runner of this.runners) runner.stop();
    this.stateChanges.clear();
    this.completions.clear();
  }

  private register(resolved: ReturnType<typeof resolveHealthCheck>): CheckRunner {
    const clash = this.runners.find(
      (r) => r.check.key === resolved.key && r.check.componentId === resolved.componentId,
    );
    if (clash)
      throw new InvalidOptionError(
        'name',
        resolved.key,
        'a check key (name and measurement) or componentId not yet registered',
      );
    const runner = new CheckRunner(resolved, this.clock, (outcome) => this.completed(runner, outcome));
    this.runners.push(runner);
    if (this.started) runner.startRefresh();
    return runner;
  }

  private completed(runner: CheckRunner, outcome: CheckOutcome): void {
    if (!this.completions.hasListeners) return;
    this.completions.emit({
      name: outcome.name,
      status: outcome.status,
      critical: runner.check.critical,
      durationMs: outcome.durationMs,
    });
  }

  private hasChecks(probe: ProbeKind): boolean {
    return this.runners.some((r) => r.check.probes.has(probe));
  }

  private async evaluate(probe: ProbeKind | undefined): Promise<HealthReport> {
    const selected =
      probe === undefined ? this.runners : this.runners.filter((r) => r.check.probes.has(probe));
    const outcomes = await Promise.all(selected.map((r) => r.get()));
    let status: HealthStatus = 'pass';
    const checks: Record<string, ComponentDetail[]> = {};
    const problems: string[] = [];
    for (const outcome of outcomes) {
      status = worstStatus(status, outcome.effect);
      for (const [key, entry] of outcome.entries) {
        const list = checks[key];
        if (list) list.push(entry);
        else checks[key] = [entry];
        if (entry.status !== 'pass')
          problems.push(entry.output ? `${key}: ${entry.output}` : `${key}: ${entry.status}`);
      }
    }
    return this.build(status, checks, problems.length > 0 ? problems.join('; ') : undefined);
  }

  private build(
    status: HealthStatus,
    checks: Readonly<Record<string, readonly ComponentDetail[]>>,
    output: string | undefined,
  ): HealthReport {
    return output === undefined
      ? { status, ...this.header, checks }
      : { status, ...this.header, output, checks };
  }

  private transition(to: HealthState): void {
    const from = this.current;
    this.current = to;
    this.stateChanges.emit({ from, to });
  }
}

/**
 * Creates a {@link HealthService} and starts background refresh for the checks that use it.
 *
 * @example
 * ```ts
 * import { healthService } from '@keel/core/health-check';
 * const health = healthService({
 *   serviceId: 'orders-api',
 *   checks: [{ name: 'queue', measurement: 'depth', check: () => ({ observedValue: 12 }) }],
 * });
 * console.log((await health.readiness()).status);
 * health.dispose();
 * ```
 * @category Health
 */
export function healthService(options: HealthServiceOptions = {}): HealthService {
  const service = new HealthService(options);
  service.start();
  return service;
}
