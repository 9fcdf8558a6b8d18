import type { Clock, TimerHandle } from '../../clock/index.js';
import { TimeoutError } from '../../errors/index.js';
import { raceAbort } from '../../signal/index.js';
import type { ResolvedHealthCheck } from './health-check.js';
import type { CheckResult, ComponentDetail, HealthStatus } from './types.js';
import { normalizeStatus, worstStatus } from './types.js';

/**
 * The outcome of one run of one check: its report entries and its effect on the overall status.
 * @category Health
 */
export interface CheckOutcome {
  /** The check's name. */
  readonly name: string;
  /** Entries keyed by `"name:measurement"`; usually one key with one entry. */
  readonly entries: readonly (readonly [string, ComponentDetail])[];
  /** The worst status among the entries. */
  readonly status: HealthStatus;
  /** What the outcome contributes to the overall status (`fail` of a non-critical check is `warn`). */
  readonly effect: HealthStatus;
  /** Clock reading when the run finished. */
  readonly at: number;
  /** How long the run took, on the clock. */
  readonly durationMs: number;
}

/**
 * Renders an error as a short output string, keeping the error's name when it is informative.
 * Socket errors in Node.js are often `AggregateError`s with an empty message (one error per
 * address tried), so their inner messages, or the error code, are used instead.
 * @internal
 */
export function errorOutput(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let message = error.message;
  const inner = (error as { errors?: unknown }).errors;
  if (!message && Array.isArray(inner) && inner.length > 0)
    message = [...new Set(inner.map((e) => (e instanceof Error ? e.message : String(e))))].join('; ');
  const code = (error as { code?: unknown }).code;
  if (!message && typeof code === 'string') message = code;
  if (!message) return error.name || 'Error';
  return error.name && error.name !== 'Error' && error.name !== 'AggregateError'
    ? `${error.name}: ${message}`
    : message;
}

function detail(
  check: ResolvedHealthCheck,
  status: HealthStatus,
  time: string,
  fields: {
    componentId?: string | undefined;
    componentType?: string | undefined;
    observedValue?: unknown;
    observedUnit?: string | undefined;
    output?: string | undefined;
  },
): ComponentDetail {
  const entry: {
    -readonly [K in keyof ComponentDetail]: ComponentDetail[K];
  } = { status, time };
  const componentId = fields.componentId ?? check.componentId;
  const componentType = fields.componentType ?? check.componentType;
  if (componentId !== undefined) entry.componentId = componentId;
  if (componentType !== undefined) entry.componentType = componentType;
  if (fields.observedValue !== undefined) {
    entry.observedValue = fields.observedValue;
    if (fields.observedUnit !== undefined) entry.observedUnit = fields.observedUnit;
  }
  if (fields.output !== undefined) entry.output = fields.output;
  return entry;
}

/**
 * Runs one check with its time limit, caches the result for `cacheMs`, shares a run between
 * concurrent callers and, when asked, refreshes the result in the background.
 * @internal
 */
export class CheckRunner {
  private cached: CheckOutcome | undefined;
  private inFlight: Promise<CheckOutcome> | undefined;
  private refreshTimer: TimerHandle | undefined;
  private refreshing = false;

  constructor(
    readonly check: ResolvedHealthCheck,
    private readonly clock: Clock,
    private readonly onOutcome: (outcome: CheckOutcome) => void,
  ) {}

  /** The latest outcome if still fresh (or refreshed in the background), else a new run. */
  get(): Promise<CheckOutcome> {
    const cached = this.cached;
    if (cached !== undefined && (this.refreshing || this.clock.now() - cached.at < this.check.cacheMs))
      return Promise.resolve(cached);
    return this.run();
  }

  /** Runs the check now, or joins the run in progress. */
  run(): Promise<CheckOutcome> {
    if (this.inFlight) return this.inFlight;
    const promise = this.execute().then((outcome) => {
      this.inFlight = undefined;
      this.cached = outcome;
      this.onOutcome(outcome);
      return outcome;
    });
    this.inFlight = promise;
    return promise;
  }

  /** Starts background refresh when the check asks for it; runs once immediately. */
  startRefresh(): void {
    const every = this.check.refreshMs;
    if (every === undefined || this.refreshing) return;
    this.refreshing = true;
    const tick = (): void => {
      this.refreshTimer = undefined;
      void this.run().then(() => {
        if (this.refreshing) this.refreshTimer = this.clock.setTimeout(tick, every);
      });
    };
    tick();
  }

  /** Stops background refresh; a run in progress finishes but schedules nothing. */
  stop(): void {
    this.refreshing = false;
    this.refreshTimer?.clear();
    this.refreshTimer = undefined;
  }

  private async execute(): Promise<CheckOutcome> {
    const check = this.check;
    const started = this.clock.now();
    const limit = new AbortController();
    let timer: TimerHandle | undefined;
    if (check.timeoutMs !== Number.POSITIVE_INFINITY)
      timer = this.clock.setTimeout(() => {
        // Forget the handle first: a fired timer must not be cleared again.
        timer = undefined;
        limit.abort(new TimeoutError(check.timeoutMs));
      }, check.timeoutMs);
    let result: CheckResult | undefined;
    let failure: unknown;
    let failed = false;
    try {
      // Promise.resolve().then(...) turns a synchronous throw into a rejection.
      const value = await raceAbort(
        Promise.resolve().then(() => check.check(limit.signal)),
        limit.signal,
      );
      result = value ?? undefined;
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      timer?.clear();
    }
    const at = this.clock.now();
    const time = new Date(at).toISOString();
    const entries: (readonly [string, ComponentDetail])[] = [];
    if (failed) {
      entries.push([check.key, detail(check, 'fail', time, { output: errorOutput(failure) })]);
    } else {
      const main = result ?? {};
      entries.push([
        check.key,
        detail(check, normalizeStatus(main.status), time, {
          ...main,
          observedUnit: main.observedUnit ?? check.observedUnit,
        }),
      ]);
      if (main.measurements) {
        for (const [measurement, value] of Object.entries(main.measurements)) {
          entries.push([
            `${check.name}:${measurement}`,
            detail(check, normalizeStatus(value.status), time, {
              componentId: main.componentId,
              componentType: main.componentType,
              observedValue: value.observedValue,
              observedUnit: value.observedUnit,
              output: value.output,
            }),
          ]);
        }
      }
    }
    let status: HealthStatus = 'pass';
    for (const [, entry] of entries) status = worstStatus(status, entry.status);
    const effect: HealthStatus = status === 'fail' && !check.critical ? 'warn' : status;
    return { name: check.name, entries, status, effect, at, durationMs: at - started };
  }
}
