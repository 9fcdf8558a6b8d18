import { InvalidOptionError } from '@keel/core/errors';
import { check, checkKnownKeys } from '@keel/core/options';
import type { SeededRandom } from '@keel/core/random';
import { type Distribution, exponential } from '../distributions.js';
import type { Simulator } from '../engine/simulator.js';
import { ServiceError, type ServiceErrorReason } from '../errors.js';
import type { Trace } from '../metrics/trace.js';
import type { SimNode } from '../network/network.js';
import type { Reply, Rpc } from '../network/rpc.js';

/**
 * Options of a {@link Service}.
 * @category Services
 */
export interface ServiceOptions<S = undefined> {
  /** Requests served at once (workers). @default 8 */
  readonly concurrency?: number;
  /** Requests waiting for a worker before new ones are refused as overloaded. @default Infinity */
  readonly queueCapacity?: number;
  /** Time a worker spends on one request. @default exponential(10) */
  readonly serviceTime?: Distribution;
  /** Probability that a request fails with a {@link ServiceError} (after its service time). @default 0 */
  readonly errorRate?: number;
  /** Probability that a request is processed but never answered. @default 0 */
  readonly hangRate?: number;
  /** Response size in bytes, for bandwidth. @default 0 */
  readonly responseSize?: number;
  /**
   * Computes the answer from the request and the service's state (default: echoes the request).
   * A throw becomes an error answer. It runs synchronously when the service time ends.
   */
  readonly handle?: (body: unknown, state: S) => unknown;
  /** Creates the state at start and at a restart that loses state. @default () => undefined */
  readonly initialState?: () => S;
}

/**
 * Defaults of {@link ServiceOptions}.
 * @example
 * ```ts
 * import { DEFAULT_SERVICE_OPTIONS } from '@keel/sim';
 * console.log(DEFAULT_SERVICE_OPTIONS);
 * ```
 * @category Services
 */
export const DEFAULT_SERVICE_OPTIONS = Object.freeze({
  concurrency: 8,
  queueCapacity: Number.POSITIVE_INFINITY,
  serviceTime: exponential(10),
  errorRate: 0,
  hangRate: 0,
  responseSize: 0,
});

const SERVICE_KEYS = [...Object.keys(DEFAULT_SERVICE_OPTIONS), 'handle', 'initialState'];

/**
 * Counters of a {@link Service}.
 * @category Services
 */
export interface ServiceStats {
  /** Requests taken into service or queue. */
  accepted: number;
  /** Requests refused because the queue was full. */
  rejected: number;
  /** Requests answered successfully. */
  succeeded: number;
  /** Requests answered with an error (injected or brown-out). */
  failed: number;
  /** Requests processed but never answered. */
  hung: number;
  /** Requests in service or queued when the service crashed. */
  lost: number;
  /** Crashes so far. */
  crashes: number;
}

/**
 * Options of {@link Service.brownout}.
 * @category Services
 */
export interface BrownoutOptions {
  /** Service times are multiplied by this. @default 3 */
  readonly slowdown?: number;
  /** Extra probability of failing. @default 0.2 */
  readonly errorRate?: number;
}

/**
 * Defaults of {@link BrownoutOptions}.
 * @example
 * ```ts
 * import { DEFAULT_BROWNOUT_OPTIONS } from '@keel/sim';
 * console.log(DEFAULT_BROWNOUT_OPTIONS);
 * ```
 * @category Services
 */
export const DEFAULT_BROWNOUT_OPTIONS = Object.freeze({ slowdown: 3, errorRate: 0.2 });

interface Job {
  readonly service: Service<any>;
  readonly body: unknown;
  readonly reply: Reply;
  readonly epoch: number;
}

function complete(job: Job): void {
  job.service._complete(job);
}

/**
 * A simulated server on a network node: a fixed number of workers, a bounded queue, service
 * times from a distribution, and failure modes (error rate, hangs, brown-outs, crash and
 * restart with or without its state). Answers travel back over the network, so callers see
 * latency, loss and partitions on both legs.
 *
 * @example
 * ```ts
 * import { Network, Rpc, Service, Simulator, lognormal } from '@keel/sim';
 * const sim = new Simulator({ seed: 3 });
 * const rpc = new Rpc(new Network(sim));
 * const api = new Service(rpc, 'api', { concurrency: 4, serviceTime: lognormal(20, 0.5), errorRate: 0.05 });
 * const answer = rpc.call('client', 'api', 'ping').catch((e: Error) => e.message);
 * await sim.run(1_000);
 * console.log(await answer, api.stats.accepted);
 * ```
 * @category Services
 */
export class Service<S = undefined> {
  /** The service's name (its node's name). */
  readonly name: string;
  /** Counters since creation. */
  readonly stats: ServiceStats = {
    accepted: 0,
    rejected: 0,
    succeeded: 0,
    failed: 0,
    hung: 0,
    lost: 0,
    crashes: 0,
  };
  /** The state handed to `handle`; reset by a restart that loses state. */
  state: S;
  private readonly sim: Simulator;
  private readonly node: SimNode;
  private readonly random: SeededRandom;
  private readonly concurrency: number;
  private readonly queueCapacity: number;
  private readonly serviceTime: Distribution;
  private readonly handle: ((body: unknown, state: S) => unknown) | undefined;
  private readonly initialState: () => S;
  private readonly trace: Trace | undefined;
  private baseErrorRate: number;
  private baseHangRate: number;
  private brownouts: { slowdown: number; errorRate: number }[] = [];
  private slowdown = 1;
  private brownoutErrorRate = 0;
  private busyWorkers = 0;
  private readonly queue: Job[] = [];
  private queueHead = 0;
  private epoch = 0;
  private readonly errors: Record<ServiceErrorReason, ServiceError>;

  constructor(rpc: Rpc, node: string, options: ServiceOptions<S> = {}, trace?: Trace) {
    checkKnownKeys('Service', options, SERVICE_KEYS);
    const d = DEFAULT_SERVICE_OPTIONS;
    this.concurrency = check.integer('concurrency', options.concurrency, d.concurrency, { min: 1 });
    this.queueCapacity = check.integer('queueCapacity', options.queueCapacity, d.queueCapacity, {
      min: 0,
      allowInfinity: true,
    });
    const serviceTime = options.serviceTime ?? d.serviceTime;
    if (typeof serviceTime?.sample !== 'function')
      throw new InvalidOptionError('serviceTime', serviceTime, 'a Distribution');
    this.serviceTime = serviceTime;
    this.baseErrorRate = check.ratio('errorRate', options.errorRate, d.errorRate);
    this.baseHangRate = check.ratio('hangRate', options.hangRate, d.hangRate);
    const responseSize = check.number('responseSize', options.responseSize, d.responseSize, { min: 0 });
    this.handle = check.func('handle', options.handle);
    this.initialState =
      check.func<() => S>('initialState', options.initialState) ?? ((() => undefined) as () => S);
    this.trace = trace;
    this.sim = rpc.network.sim;
    this.node = rpc.network.node(node);
    this.name = node;
    this.random = this.sim.fork();
    this.state = this.initialState();
    // Errors are shared per reason: building a stack trace per failed request would dominate
    // the cost of a large simulation.
    this.errors = {
      injected: new ServiceError(node, 'injected'),
      brownout: new ServiceError(node, 'brownout'),
      overloaded: new ServiceError(node, 'overloaded'),
    };
    rpc.serve(node, (body, reply) => this.accept(body, reply), { responseSize, internal: true });
  }

  /** Workers currently busy. */
  get busy(): number {
    return this.busyWorkers;
  }

  /** Requests waiting for a worker. */
  get queued(): number {
    return this.queue.length - this.queueHead;
  }

  /** False while crashed. */
  get up(): boolean {
    return this.node.up;
  }

  /** Changes the error rate; returns a function restoring the previous one. */
  setErrorRate(rate: number): () => void {
    const previous = this.baseErrorRate;
    this.baseErrorRate = check.ratio('errorRate', rate, 0);
    return () => {
      this.baseErrorRate = previous;
    };
  }

  /** Changes the hang rate; returns a function restoring the previous one. */
  setHangRate(rate: number): () => void {
    const previous = this.baseHangRate;
    this.baseHangRate = check.ratio('hangRate', rate, 0);
    return () => {
      this.baseHangRate = previous;
    };
  }

  /**
   * Starts a brown-out: slower service and more errors until the returned function is called.
   * Overlapping brown-outs compound.
   */
  brownout(options: BrownoutOptions = {}): () => void {
    checkKnownKeys('brownout', options, ['slowdown', 'errorRate']);
    const entry = {
      slowdown: check.number('slowdown', options.slowdown, DEFAULT_BROWNOUT_OPTIONS.slowdown, { min: 0 }),
      errorRate: check.ratio('errorRate', options.errorRate, DEFAULT_BROWNOUT_OPTIONS.errorRate),
    };
    this.brownouts.push(entry);
    this.recomputeBrownout();
    this.trace?.emit('brownout', { service: this.name, on: true });
    return () => {
      const index = this.brownouts.indexOf(entry);
      if (index < 0) return;
      this.brownouts.splice(index, 1);
      this.recomputeBrownout();
      this.trace?.emit('brownout', { service: this.name, on: false });
    };
  }

  /**
   * Crashes the service: its node goes down (messages to it are dropped) and every request in
   * service or queued is lost without an answer.
   */
  crash(): void {
    if (!this.node.up) return;
    this.node.up = false;
    this.stats.crashes++;
    this.stats.lost += this.busyWorkers + this.queued;
    this.epoch++;
    this.busyWorkers = 0;
    this.queue.length = 0;
    this.queueHead = 0;
    this.trace?.emit('crash', { service: this.name });
  }

  /** Brings a crashed service back, with its state or with a fresh one. */
  restart(options: { readonly keepState?: boolean } = {}): void {
    checkKnownKeys('restart', options, ['keepState']);
    const keepState = check.boolean('keepState', options.keepState, false);
    if (this.node.up) return;
    if (!keepState) this.state = this.initialState();
    this.node.up = true;
    this.trace?.emit('restart', { service: this.name, keepState });
  }

  private recomputeBrownout(): void {
    let slowdown = 1;
    let healthy = 1;
    for (const b of this.brownouts) {
      slowdown *= b.slowdown;
      healthy *= 1 - b.errorRate;
    }
    this.slowdown = slowdown;
    this.brownoutErrorRate = 1 - healthy;
  }

  private accept(body: unknown, reply: Reply): void {
    const job: Job = { service: this, body, reply, epoch: this.epoch };
    if (this.busyWorkers < this.concurrency) {
      this.stats.accepted++;
      this.start(job);
    } else if (this.queued < this.queueCapacity) {
      this.stats.accepted++;
      this.queue.push(job);
    } else {
      this.stats.rejected++;
      reply(false, this.errors.overloaded);
    }
  }

  private start(job: Job): void {
    this.busyWorkers++;
    this.sim.schedule(this.serviceTime.sample(this.random) * this.slowdown, complete, job);
  }

  /** @internal */
  _complete(job: Job): void {
    if (job.epoch !== this.epoch) return; // lost in a crash
    this.busyWorkers--;
    const random = this.random;
    if (this.baseHangRate > 0 && random.next() < this.baseHangRate) {
      this.stats.hung++;
    } else if (this.baseErrorRate > 0 && random.next() < this.baseErrorRate) {
      this.stats.failed++;
      job.reply(false, this.errors.injected);
    } else if (this.brownoutErrorRate > 0 && random.next() < this.brownoutErrorRate) {
      this.stats.failed++;
      job.reply(false, this.errors.brownout);
    } else {
      let ok = true;
      let value: unknown = job.body;
      if (this.handle) {
        try {
          value = this.handle(job.body, this.state);
        } catch (error) {
          ok = false;
          value = error;
        }
      }
      if (ok) this.stats.succeeded++;
      else this.stats.failed++;
      job.reply(ok, value);
    }
    if (this.queueHead < this.queue.length) {
      const next = this.queue[this.queueHead]!;
      this.queue[this.queueHead++] = undefined as never;
      // Compact now and then so the array does not grow without bound.
      if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        this.queue.splice(0, this.queueHead);
        this.queueHead = 0;
      }
      this.start(next);
    }
  }
}
