import { type Clock, systemClock, type TimerHandle } from '../../clock/index.js';
import { type Disposable, type Event, EventEmitter } from '../../events/index.js';
import { check, checkKnownKeys } from '../../options/index.js';
import { pollChanges } from '../poll-changes.js';
import { RegistrationLapsedError } from './errors.js';
import type { InstanceStatus, RegistryStore, ServiceInstance } from './registry-store.js';

/**
 * Options of {@link ServiceRegistry.register}.
 * @category Service discovery
 */
export interface RegisterOptions {
  /** How long the registration survives without a heartbeat. @default 10000 */
  readonly ttlMs?: number;
  /** Heartbeat every `ttlMs × heartbeatRatio`, in (0, 1). @default 1/3 */
  readonly heartbeatRatio?: number;
}

/**
 * Options of {@link ServiceRegistry.watch} and {@link ServiceRegistry.resolve}.
 * @category Service discovery
 */
export interface WatchOptions {
  /** How often the store is read. @default 1000 */
  readonly intervalMs?: number;
  /** Which statuses count as healthy enough to receive traffic. @default ['passing', 'warning'] */
  readonly statuses?: readonly InstanceStatus[];
}

/**
 * A health-filtered view of one service at one moment: feed it to a load balancer's
 * endpoint set. Instances are sorted by id; `version` grows with every change seen.
 * @category Service discovery
 */
export interface ServiceSnapshot {
  readonly service: string;
  readonly instances: readonly ServiceInstance[];
  readonly version: number;
}

/**
 * An instance's presence in the registry, kept alive by heartbeats.
 * @category Service discovery
 */
export interface Registration {
  readonly instance: ServiceInstance;
  /** Aborts when no heartbeat has succeeded within the TTL, or on deregistration. */
  readonly signal: AbortSignal;
  /** Publishes a new status at once (for example `critical` while draining). */
  setStatus(status: InstanceStatus): Promise<void>;
  /** Stops the heartbeat and removes the instance. */
  deregister(): Promise<void>;
}

/**
 * What a registration's events report.
 * @category Service discovery
 */
export type RegistrationEvent =
  | { readonly type: 'registered'; readonly instance: ServiceInstance }
  | { readonly type: 'heartbeat-failed'; readonly instance: ServiceInstance; readonly error: unknown }
  | {
      readonly type: 'lapsed';
      readonly instance: ServiceInstance;
      readonly reason: RegistrationLapsedError['lapseReason'];
    };

/**
 * Options of {@link ServiceRegistry}.
 * @category Service discovery
 */
export interface ServiceRegistryOptions {
  /** @default systemClock */
  readonly clock?: Clock;
}

/**
 * Default registration and watch options.
 *
 * @example
 * ```ts
 * import { DEFAULT_SERVICE_REGISTRY_OPTIONS } from '@keel/core/service-discovery';
 * // Watchers see instances that are passing or warning, not critical ones.
 * console.log(DEFAULT_SERVICE_REGISTRY_OPTIONS.statuses); // ['passing', 'warning']
 * ```
 * @category Service discovery
 */
export const DEFAULT_SERVICE_REGISTRY_OPTIONS = Object.freeze({
  ttlMs: 10_000,
  heartbeatRatio: 1 / 3,
  intervalMs: 1_000,
  statuses: Object.freeze(['passing', 'warning'] as const),
});

const STATUSES: readonly InstanceStatus[] = ['passing', 'warning', 'critical'];

/**
 * Client-side service discovery over any {@link RegistryStore}: instances register with a TTL
 * and heartbeat; clients watch a health-filtered snapshot that changes only when the set of
 * healthy instances does. A failed read keeps the last snapshot (stale endpoints beat none).
 *
 * @example
 * ```ts
 * import { InMemoryRegistryStore, ServiceRegistry } from '@keel/core/service-discovery';
 * const registry = new ServiceRegistry(new InMemoryRegistryStore());
 * const registration = await registry.register({ service: 'api', id: 'api-1', address: '10.0.0.1', port: 8080 });
 * const watch = registry.watch('api', (snapshot) => console.log(snapshot.instances.map((i) => i.id)));
 * watch.dispose();
 * await registration.deregister();
 * ```
 * @category Service discovery
 */
export class ServiceRegistry {
  private readonly clock: Clock;
  private readonly emitter = new EventEmitter<RegistrationEvent>();

  /** Registration lifecycle events of every instance registered through this registry. */
  readonly events: Event<RegistrationEvent> = this.emitter.event;

  constructor(
    private readonly store: RegistryStore,
    options: ServiceRegistryOptions = {},
  ) {
    checkKnownKeys('ServiceRegistry', options, ['clock']);
    this.clock = (check.object<Clock>('clock', options.clock) ?? systemClock) as Clock;
  }

  /** Registers `instance` (status `passing` unless given) and keeps it alive until deregistered. */
  async register(
    instance: Omit<ServiceInstance, 'status'> & { readonly status?: InstanceStatus },
    options: RegisterOptions = {},
  ): Promise<Registration> {
    checkKnownKeys('options', options, ['ttlMs', 'heartbeatRatio']);
    const d = DEFAULT_SERVICE_REGISTRY_OPTIONS;
    const ttlMs = check.duration('options.ttlMs', options.ttlMs, d.ttlMs, { above: 0 });
    const ratio = check.number('options.heartbeatRatio', options.heartbeatRatio, d.heartbeatRatio, {
      above: 0,
      max: 0.9,
    });
    check.object('instance', instance);
    check.string('instance.service', instance.service);
    check.string('instance.id', instance.id);
    check.string('instance.address', instance.address);
    if (instance.port !== undefined)
      check.integer('instance.port', instance.port, 0, { min: 0, max: 65_535 });
    const full: ServiceInstance = {
      ...instance,
      status: check.oneOf('instance.status', instance.status, 'passing', STATUSES),
    };
    const sentAt = this.clock.now();
    await this.store.put(full, ttlMs);
    const registration = new Heartbeat(
      this.store,
      this.clock,
      this.emitter,
      full,
      ttlMs,
      ttlMs * ratio,
      sentAt,
    );
    this.emitter.emit({ type: 'registered', instance: full });
    return registration;
  }

  /** The healthy instances of `service` now, sorted by id. */
  async resolve(service: string, options: Pick<WatchOptions, 'statuses'> = {}): Promise<ServiceInstance[]> {
    checkKnownKeys('options', options, ['statuses']);
    return healthy(await this.store.list(service), statusesOf(options.statuses));
  }

  /**
   * Calls `listener` with the first snapshot and then whenever the healthy set changes.
   * Dispose the result to stop.
   */
  watch(
    service: string,
    listener: (snapshot: ServiceSnapshot) => void,
    options: WatchOptions = {},
  ): Disposable {
    check.string('service', service);
    checkKnownKeys('options', options, ['intervalMs', 'statuses']);
    const intervalMs = check.duration(
      'options.intervalMs',
      options.intervalMs,
      DEFAULT_SERVICE_REGISTRY_OPTIONS.intervalMs,
      { above: 0 },
    );
    const statuses = statusesOf(options.statuses);
    let version = 0;
    return pollChanges(
      this.clock,
      intervalMs,
      () => this.store.list(service).then((instances) => healthy(instances, statuses)),
      (instances) => JSON.stringify(instances),
      (instances) => listener({ service, instances, version: ++version }),
    );
  }
}

function statusesOf(value: unknown): readonly InstanceStatus[] {
  if (value === undefined) return DEFAULT_SERVICE_REGISTRY_OPTIONS.statuses;
  if (!Array.isArray(value) || value.length === 0) throw invalidStatuses(value);
  for (const status of value) check.oneOf('options.statuses', status, 'passing', STATUSES);
  return value as InstanceStatus[];
}

function invalidStatuses(value: unknown): Error {
  try {
    check.oneOf('options.statuses', value, 'passing', STATUSES);
  } catch (error) {
    return error as Error;
  }
  return new Error('unreachable');
}

function healthy(
  instances: readonly ServiceInstance[],
  statuses: readonly InstanceStatus[],
): ServiceInstance[] {
  return instances
    .filter((instance) => statuses.includes(instance.status))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

class Heartbeat implements Registration {
  private readonly controller = new AbortController();
  private timer: TimerHandle | undefined;
  private stopped = false;
  private lastSuccessSentAt: number;

  constructor(
    private readonly store: RegistryStore,
    private readonly clock: Clock,
    private readonly events: EventEmitter<RegistrationEvent>,
    public instance: ServiceInstance,
    private readonly ttlMs: number,
    private readonly everyMs: number,
    sentAt: number,
  ) {
    this.lastSuccessSentAt = sentAt;
    this.schedule();
  }

  get signal(): AbortSignal {
    this.checkLapse();
    return this.controller.signal;
  }

  async setStatus(status: InstanceStatus): Promise<void> {
    this.instance = { ...this.instance, status: check.oneOf('status', status, 'passing', STATUSES) };
    await this.beat();
  }

  async deregister(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.clear();
    this.lapse('deregistered');
    await this.store.remove(this.instance.service, this.instance.id);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.checkLapse();
      // Heartbeats go on after a lapse: the instance re-registers once the store is back,
      // though the lapsed signal (what the holder acted on) stays aborted.
      this.beat().then(
        () => this.schedule(),
        () => this.schedule(),
      );
    }, this.everyMs);
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    const sentAt = this.clock.now();
    try {
      await this.store.put(this.instance, this.ttlMs);
      if (!this.stopped) this.lastSuccessSentAt = sentAt;
    } catch (error) {
      this.events.emit({ type: 'heartbeat-failed', instance: this.instance, error });
      this.checkLapse();
      throw error;
    }
  }

  private checkLapse(): void {
    if (this.clock.now() >= this.lastSuccessSentAt + this.ttlMs) this.lapse('heartbeat-missed');
  }

  private lapse(reason: RegistrationLapsedError['lapseReason']): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(new RegistrationLapsedError(this.instance.service, this.instance.id, reason));
    this.events.emit({ type: 'lapsed', instance: this.instance, reason });
  }
}
