/**
 * A pool of real workers (threads or processes) that an autoscaler can resize. Tasks go to the
 * ready replica with the fewest tasks in flight; surplus replicas drain (take no new work,
 * finish what they hold) before they are asked to stop, and are killed only if they do not
 * exit within a grace period.
 */
import type { Actuator, ReplicaSample, ReplicaStatus } from '@keel/core/auto-scaling';
import { UtilizationMeter } from '@keel/core/auto-scaling';
import type { Clock } from '@keel/core/clock';
import { systemClock } from '@keel/core/clock';
import { EventEmitter } from '@keel/core/events';

/** Messages a replica receives. */
export type ToReplica = { type: 'task'; id: number; payload: unknown } | { type: 'stop' };

/** Messages a replica sends. */
export type FromReplica =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: string };

/** How the pool talks to one replica, whatever it runs on. */
export interface ReplicaTransport {
  /** The operating system's id: a thread id or a process id. */
  readonly id: number;
  send(message: ToReplica): void;
  onMessage(listener: (message: FromReplica) => void): void;
  onExit(listener: (code: number | null) => void): void;
  /** Stops the replica at once, abandoning its work. */
  kill(): void;
}

/** Starts one replica. */
export type SpawnReplica = () => ReplicaTransport;

/** Options of {@link ReplicaPool}. */
export interface ReplicaPoolOptions {
  /** Tasks one replica runs at once. @default 1 */
  readonly capacity?: number;
  /** How long a stopping replica may take to exit before it is killed, ms. @default 5_000 */
  readonly stopGraceMs?: number;
  /** Time source for utilization. @default systemClock */
  readonly clock?: Clock;
}

/** Where a replica is in its life. */
export type ReplicaState = 'starting' | 'ready' | 'draining' | 'stopping' | 'exited';

/** A change in a replica's life, for observers and tests. */
export interface ReplicaEvent {
  readonly id: number;
  readonly from: ReplicaState | undefined;
  readonly to: ReplicaState;
  /** How it exited: gracefully on request, killed after the grace period, or on its own. */
  readonly exit?: 'graceful' | 'killed' | 'crashed';
}

interface Task {
  readonly id: number;
  readonly payload: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

class Replica {
  state: ReplicaState = 'starting';
  readonly inFlight = new Map<number, Task>();
  readonly meter: UtilizationMeter;
  killTimer: ReturnType<typeof setTimeout> | undefined;
  exitKind: 'graceful' | 'killed' | 'crashed' = 'crashed';
  readonly exited: Promise<void>;
  markExited!: () => void;

  constructor(
    readonly transport: ReplicaTransport,
    capacity: number,
    clock: Clock,
  ) {
    this.meter = new UtilizationMeter({ capacity, clock });
    this.exited = new Promise<void>((resolve) => {
      this.markExited = resolve;
    });
  }
}

/** A resizable pool of worker replicas; implements the autoscaler's {@link Actuator}. */
export class ReplicaPool implements Actuator {
  private readonly replicas = new Set<Replica>();
  private readonly queue: Task[] = [];
  private readonly capacity: number;
  private readonly stopGraceMs: number;
  private readonly clock: Clock;
  private readonly lifecycle = new EventEmitter<ReplicaEvent>();
  private target = 0;
  private nextTaskId = 1;
  private closed = false;
  private settledWaiters: (() => void)[] = [];

  /** Every replica state change. */
  readonly onReplica = this.lifecycle.event;

  constructor(
    private readonly spawn: SpawnReplica,
    options: ReplicaPoolOptions = {},
  ) {
    this.capacity = options.capacity ?? 1;
    this.stopGraceMs = options.stopGraceMs ?? 5_000;
    this.clock = options.clock ?? systemClock;
    if (!Number.isInteger(this.capacity) || this.capacity < 1)
      throw new RangeError('capacity must be an integer >= 1');
    if (!(this.stopGraceMs >= 0)) throw new RangeError('stopGraceMs must be >= 0');
  }

  /** The replica count asked for. */
  get replicaTarget(): number {
    return this.target;
  }

  /** Tasks waiting for a replica. */
  get queued(): number {
    return this.queue.length;
  }

  /** Replicas by state. */
  counts(): Record<ReplicaState, number> {
    const counts: Record<ReplicaState, number> = {
      starting: 0,
      ready: 0,
      draining: 0,
      stopping: 0,
      exited: 0,
    };
    for (const r of this.replicas) counts[r.state]++;
    return counts;
  }

  /** Operating-system ids of the replicas that have not exited. */
  ids(): number[] {
    return [...this.replicas].map((r) => r.transport.id);
  }

  status(): ReplicaStatus {
    const c = this.counts();
    return { replicas: this.target, running: c.starting + c.ready, ready: c.ready };
  }

  /**
   * Each serving replica's utilization since the previous call, in percent of its capacity;
   * starting replicas are reported as not ready. Feed it to `utilizationMetric`.
   */
  utilization(): ReplicaSample[] {
    const samples: ReplicaSample[] = [];
    for (const r of this.replicas)
      if (r.state === 'ready' || r.state === 'starting')
        samples.push({ value: r.meter.read(), ready: r.state === 'ready' });
    return samples;
  }

  /** Tasks in flight on each ready replica. Feed it to `inFlightMetric`. */
  inFlight(): number[] {
    const counts: number[] = [];
    for (const r of this.replicas) if (r.state === 'ready') counts.push(r.inFlight.size);
    return counts;
  }

  /** Runs `payload` on a replica; waits in the queue while every ready replica is full. */
  submit<T = unknown>(payload: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the pool is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ id: this.nextTaskId++, payload, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  /**
   * Resizes the pool. New replicas start at once; surplus ones (starting ones first, then the
   * least busy) stop taking work and exit once their tasks are done. Resolves when the change
   * is under way; {@link ReplicaPool.settled} waits for it to complete.
   */
  setReplicas(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`replicas must be an integer >= 0, got ${n}`);
    if (this.closed && n > 0) throw new Error('the pool is closed');
    this.target = n;
    this.reconcile();
  }

  /** Resolves once the live replicas match the target and none is draining or stopping. */
  settled(): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** Drains and stops every replica; queued tasks are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('the pool is closed'));
    this.setReplicas(0);
    await Promise.all([...this.replicas].map((r) => r.exited));
  }

  private live(): Replica[] {
    return [...this.replicas].filter((r) => r.state === 'starting' || r.state === 'ready');
  }

  private isSettled(): boolean {
    const c = this.counts();
    return c.draining === 0 && c.stopping === 0 && c.starting === 0 && c.ready === this.target;
  }

  private move(replica: Replica, to: ReplicaState, exit?: ReplicaEvent['exit']): void {
    const from = replica.state;
    replica.state = to;
    this.lifecycle.emit({ id: replica.transport.id, from, to, ...(exit ? { exit } : {}) });
    if (this.settledWaiters.length > 0 && this.isSettled())
      for (const resolve of this.settledWaiters.splice(0)) resolve();
  }

  private reconcile(): void {
    let live = this.live();
    // Bring draining replicas back before starting new ones: they are already warm.
    for (const r of this.replicas) {
      if (live.length >= this.target) break;
      if (r.state === 'draining') {
        this.move(r, 'ready');
        live = this.live();
      }
    }
    while (live.length < this.target) {
      this.start();
      live = this.live();
    }
    if (live.length > this.target) {
      const surplus = live
        .sort((a, b) => rank(a) - rank(b) || a.inFlight.size - b.inFlight.size)
        .slice(0, live.length - this.target);
      for (const r of surplus) this.drain(r);
    }
    this.dispatch();
  }

  private start(): void {
    const transport = this.spawn();
    const replica = new Replica(transport, this.capacity, this.clock);
    this.replicas.add(replica);
    this.lifecycle.emit({ id: transport.id, from: undefined, to: 'starting' });
    transport.onMessage((message) => this.onMessage(replica, message));
    transport.onExit(() => this.onExit(replica));
  }

  private drain(replica: Replica): void {
    if (replica.state === 'starting') {
      // Nothing to finish: it has never taken work.
      this.stop(replica);
      return;
    }
    this.move(replica, 'draining');
    if (replica.inFlight.size === 0) this.stop(replica);
  }

  private stop(replica: Replica): void {
    this.move(replica, 'stopping');
    replica.exitKind = 'graceful';
    try {
      replica.transport.send({ type: 'stop' });
    } catch {
      // Already gone; the exit handler finishes the job.
    }
    replica.killTimer = setTimeout(() => {
      replica.exitKind = 'killed';
      replica.transport.kill();
    }, this.stopGraceMs);
  }

  private onMessage(replica: Replica, message: FromReplica): void {
    if (message.type === 'ready') {
      if (replica.state === 'starting') this.move(replica, 'ready');
      this.dispatch();
      return;
    }
    const task = replica.inFlight.get(message.id);
    if (!task) return;
    replica.inFlight.delete(message.id);
    replica.meter.end();
    if (message.ok) task.resolve(message.value);
    else task.reject(new Error(message.error));
    if (replica.state === 'draining' && replica.inFlight.size === 0) this.stop(replica);
    this.dispatch();
  }

  private onExit(replica: Replica): void {
    if (replica.killTimer) clearTimeout(replica.killTimer);
    const crashed = replica.state !== 'stopping';
    for (const task of replica.inFlight.values())
      task.reject(new Error(`replica ${replica.transport.id} exited`));
    replica.inFlight.clear();
    this.replicas.delete(replica);
    this.move(replica, 'exited', crashed ? 'crashed' : replica.exitKind);
    replica.markExited();
    // A crashed replica is replaced to keep the count.
    if (crashed && !this.closed) this.reconcile();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let best: Replica | undefined;
      for (const r of this.replicas)
        if (
          r.state === 'ready' &&
          r.inFlight.size < this.capacity &&
          (!best || r.inFlight.size < best.inFlight.size)
        )
          best = r;
      if (!best) return;
      const task = this.queue.shift()!;
      best.inFlight.set(task.id, task);
      best.meter.begin();
      try {
        best.transport.send({ type: 'task', id: task.id, payload: task.payload });
      } catch (error) {
        best.inFlight.delete(task.id);
        best.meter.end();
        task.reject(error as Error);
      }
    }
  }
}

/** Starting replicas go first when shrinking, then the least busy ready ones. */
function rank(replica: Replica): number {
  return replica.state === 'starting' ? 0 : 1;
}
