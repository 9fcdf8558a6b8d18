import type { Clock } from '@keel/core/clock';
import { InvalidOptionError } from '@keel/core/errors';
import { check, checkKnownKeys } from '@keel/core/options';
import type { SeededRandom } from '@keel/core/random';
import { constant, type Distribution, uniform } from '../distributions.js';
import type { Simulator, SkewedClock } from '../engine/simulator.js';
import type { Trace } from '../metrics/trace.js';

/**
 * How a directed link between two nodes behaves. Every draw comes from the network's seeded
 * generator.
 * @category Network
 */
export interface LinkOptions {
  /** One-way propagation delay. @default constant(1) */
  readonly latency?: Distribution;
  /** Probability that a message is lost. @default 0 */
  readonly loss?: number;
  /** Probability that a message is delivered twice (each copy with its own latency). @default 0 */
  readonly duplicate?: number;
  /**
   * Probability that a message escapes the link's first-in-first-out order and is held back by
   * `reorderDelay`, so later messages may overtake it. With 0, jitter never reorders (as over
   * one TCP connection). @default 0
   */
  readonly reorder?: number;
  /** Extra delay of a reordered message. @default uniform(0, 10) */
  readonly reorderDelay?: Distribution;
  /**
   * Bytes per millisecond; a message of `size` bytes occupies the link for `size / bandwidth`
   * ms and waits behind the ones before it (serialization delay). @default Infinity
   */
  readonly bandwidth?: number;
}

/**
 * Defaults of {@link LinkOptions}.
 * @example
 * ```ts
 * import { DEFAULT_LINK_OPTIONS } from '@keel/sim';
 * console.log(DEFAULT_LINK_OPTIONS);
 * ```
 * @category Network
 */
export const DEFAULT_LINK_OPTIONS: Required<LinkOptions> = Object.freeze({
  latency: constant(1),
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderDelay: uniform(0, 10),
  bandwidth: Number.POSITIVE_INFINITY,
});

const LINK_KEYS = Object.keys(DEFAULT_LINK_OPTIONS);

function validateLink(
  scope: string,
  options: LinkOptions,
  base: Required<LinkOptions>,
): Required<LinkOptions> {
  checkKnownKeys(scope, options, LINK_KEYS);
  const distribution = (field: string, value: unknown, fallback: Distribution): Distribution => {
    if (value === undefined) return fallback;
    if (typeof value !== 'object' || value === null || typeof (value as Distribution).sample !== 'function')
      throw new InvalidOptionError(field, value, 'a Distribution');
    return value as Distribution;
  };
  return {
    latency: distribution('latency', options.latency, base.latency),
    loss: check.ratio('loss', options.loss, base.loss),
    duplicate: check.ratio('duplicate', options.duplicate, base.duplicate),
    reorder: check.ratio('reorder', options.reorder, base.reorder),
    reorderDelay: distribution('reorderDelay', options.reorderDelay, base.reorderDelay),
    bandwidth: check.number('bandwidth', options.bandwidth, base.bandwidth, {
      above: 0,
      allowInfinity: true,
    }),
  };
}

/**
 * A message in flight or delivered.
 * @category Network
 */
export interface Message<P = unknown> {
  /** Unique per network, in send order. */
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly payload: P;
  readonly size: number;
  /** True virtual time of the send. */
  readonly sentAt: number;
  /** True for the second copy of a duplicated message. */
  readonly duplicate: boolean;
}

/**
 * Counters of a {@link Network}.
 * @category Network
 */
export interface NetworkStats {
  sent: number;
  delivered: number;
  /** Lost to link loss. */
  lost: number;
  /** Extra copies created by duplication. */
  duplicated: number;
  /** Messages that left FIFO order. */
  reordered: number;
  /** Dropped by a partition (at send or at delivery). */
  blocked: number;
  /** Dropped because the destination node was down or had no handler. */
  undeliverable: number;
}

/**
 * Options of {@link Network.node}.
 * @category Network
 */
export interface NodeOptions {
  /** Offset of the node's clock from true time, in ms. @default 0 */
  readonly skewMs?: number;
  /** Rate error of the node's clock, in parts per million. @default 0 */
  readonly driftPpm?: number;
}

/**
 * A handler of messages arriving at a node.
 * @category Network
 */
export type MessageHandler = (message: Message) => void;

/**
 * A process on the simulated network: a name, its own (possibly skewed) clock and an up/down
 * state. Messages to a node that is down are dropped.
 * @example
 * ```ts
 * import { Network, Simulator } from '@keel/sim';
 * const node = new Network(new Simulator()).node('cache', { skewMs: 40 });
 * node.onMessage((message) => console.log(message.payload));
 * console.log(node.clock.now()); // 40
 * ```
 * @category Network
 */
export class SimNode {
  /** The node's clock: true time plus its skew and drift. Inject it into the node's patterns. */
  readonly clock: SkewedClock;
  /** False while crashed. */
  up = true;
  /** @internal */
  _handler: MessageHandler | undefined;
  /** @internal whether the handler may resume async code. */
  _wakes = true;
  /** @internal outgoing links by destination. */
  readonly _links = new Map<string, LinkState>();

  constructor(
    /** Unique name on its network. */
    readonly name: string,
    clock: SkewedClock,
  ) {
    this.clock = clock;
  }

  /**
   * Sets the function receiving this node's messages. `wakes: false` promises the handler
   * never resumes async code synchronously (internal services), which saves a flush.
   */
  onMessage(handler: MessageHandler, options: { readonly wakes?: boolean } = {}): void {
    this.handler(handler, options.wakes ?? true);
  }

  private handler(handler: MessageHandler, wakes: boolean): void {
    this._handler = handler;
    this._wakes = wakes;
  }
}

interface LinkState {
  options: Required<LinkOptions>;
  busyUntil: number;
  lastArrival: number;
}

/**
 * Handle on an active partition; `heal()` removes it (twice is harmless).
 * @category Network
 */
export interface Partition {
  heal(): void;
  readonly active: boolean;
}

/**
 * Options of {@link Network.partition}.
 * @category Network
 */
export interface PartitionOptions {
  /** Block only messages from the first group to the second. @default false */
  readonly oneWay?: boolean;
}

/**
 * Options of {@link Network}.
 * @category Network
 */
export interface NetworkOptions {
  /** The behaviour of every link not configured with {@link Network.link}. */
  readonly defaultLink?: LinkOptions;
  /** Records sends, drops and deliveries. */
  readonly trace?: Trace;
}

/**
 * A network of named nodes joined by directed links with latency, loss, duplication,
 * reordering and bandwidth, which partitions can cut symmetrically or one way.
 *
 * A partition between groups A and B cuts traffic between every member of A and every member
 * of B and nothing else, so overlapping partitions model partial (non-transitive) splits where
 * a bridge node still reaches both sides. A message is dropped if a partition separates its
 * ends when it is sent or when it would be delivered.
 *
 * @example
 * ```ts
 * import { Network, Simulator, constant } from '@keel/sim';
 * const sim = new Simulator({ seed: 1 });
 * const net = new Network(sim, { defaultLink: { latency: constant(5) } });
 * net.node('a');
 * net.node('b').onMessage((m) => console.log(m.payload, sim.now()));
 * net.send('a', 'b', 'hello');
 * await sim.run(10); // logs "hello 5"
 * ```
 * @category Network
 */
export class Network {
  /** Counters since creation. */
  readonly stats: NetworkStats = {
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    blocked: 0,
    undeliverable: 0,
  };
  private readonly random: SeededRandom;
  private readonly nodes = new Map<string, SimNode>();
  private readonly cuts = new Map<string, number>();
  private readonly defaultLink: Required<LinkOptions>;
  private readonly trace: Trace | undefined;
  private nextId = 0;

  constructor(
    /** The simulator the network runs on. */
    readonly sim: Simulator,
    options: NetworkOptions = {},
  ) {
    checkKnownKeys('Network', options, ['defaultLink', 'trace']);
    this.random = sim.fork();
    this.defaultLink = validateLink('defaultLink', options.defaultLink ?? {}, DEFAULT_LINK_OPTIONS);
    this.trace = options.trace;
  }

  /** Adds a node (or returns the existing one of that name). */
  node(name: string, options: NodeOptions = {}): SimNode {
    check.string('name', name);
    const existing = this.nodes.get(name);
    if (existing) return existing;
    checkKnownKeys('node', options, ['skewMs', 'driftPpm']);
    const skew = check.number('skewMs', options.skewMs, 0);
    const drift = check.number('driftPpm', options.driftPpm, 0, { above: -1e6 });
    const node = new SimNode(name, this.sim.skewedClock(skew, drift));
    this.nodes.set(name, node);
    return node;
  }

  /** The node called `name`; throws InvalidOptionError when unknown. */
  get(name: string): SimNode {
    const node = this.nodes.get(name);
    if (!node) throw new InvalidOptionError('node', name, `one of ${[...this.nodes.keys()].join(', ')}`);
    return node;
  }

  /** A node's clock, for injecting into its patterns. */
  clockOf(name: string): Clock {
    return this.get(name).clock;
  }

  /**
   * Configures the directed link `from -> to` (fields not given keep their current value).
   * Returns a function restoring the previous configuration.
   */
  link(from: string, to: string, options: LinkOptions): () => void {
    const state = this.linkState(from, to);
    const previous = state.options;
    state.options = validateLink('link', options, previous);
    return () => {
      state.options = previous;
    };
  }

  /** Configures both directions between `a` and `b`; returns a function restoring both. */
  linkBoth(a: string, b: string, options: LinkOptions): () => void {
    const undoAb = this.link(a, b, options);
    const undoBa = this.link(b, a, options);
    return () => {
      undoAb();
      undoBa();
    };
  }

  /** Current configuration of `from -> to`. */
  linkOptions(from: string, to: string): Required<LinkOptions> {
    return this.nodes.get(from)?._links.get(to)?.options ?? this.defaultLink;
  }

  /**
   * Cuts traffic between every node of `groupA` and every node of `groupB` (both ways unless
   * `oneWay`, which blocks only A to B).
   */
  partition(groupA: readonly string[], groupB: readonly string[], options: PartitionOptions = {}): Partition {
    checkKnownKeys('partition', options, ['oneWay']);
    const oneWay = check.boolean('oneWay', options.oneWay, false);
    const pairs: string[] = [];
    for (const a of groupA) {
      for (const b of groupB) {
        if (a === b) continue;
        pairs.push(key(a, b));
        if (!oneWay) pairs.push(key(b, a));
      }
    }
    for (const p of pairs) this.cuts.set(p, (this.cuts.get(p) ?? 0) + 1);
    this.trace?.emit('partition', { a: groupA.join(','), b: groupB.join(','), oneWay });
    let active = true;
    return {
      heal: () => {
        if (!active) return;
        active = false;
        for (const p of pairs) {
          const n = this.cuts.get(p)! - 1;
          if (n === 0) this.cuts.delete(p);
          else this.cuts.set(p, n);
        }
        this.trace?.emit('heal', { a: groupA.join(','), b: groupB.join(',') });
      },
      get active() {
        return active;
      },
    };
  }

  /** Cuts `name` off from every other node, both ways. */
  isolate(name: string): Partition {
    return this.partition(
      [name],
      [...this.nodes.keys()].filter((n) => n !== name),
    );
  }

  /** True when no partition blocks `from -> to`. */
  canReach(from: string, to: string): boolean {
    return this.cuts.size === 0 || !this.cuts.has(key(from, to));
  }

  /**
   * Sends `payload` from one node to another. Returns false when it was dropped at once (lost or
   * blocked); a message may still be dropped later (partition or node down at delivery).
   */
  send<P>(from: string, to: string, payload: P, size = 0): boolean {
    const sim = this.sim;
    const now = sim.now();
    const id = this.nextId++;
    this.stats.sent++;
    if (!this.canReach(from, to)) {
      this.stats.blocked++;
      this.trace?.emit('drop', { id, from, to, why: 'partition' });
      return false;
    }
    const state = this.linkState(from, to);
    const link = state.options;
    const random = this.random;
    if (link.loss > 0 && random.next() < link.loss) {
      this.stats.lost++;
      this.trace?.emit('drop', { id, from, to, why: 'loss' });
      return false;
    }
    const copies = link.duplicate > 0 && random.next() < link.duplicate ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      let departure = now;
      if (size > 0 && link.bandwidth !== Number.POSITIVE_INFINITY) {
        if (state.busyUntil > departure) departure = state.busyUntil;
        departure += size / link.bandwidth;
        state.busyUntil = departure;
      }
      let arrival = departure + link.latency.sample(random);
      if (link.reorder > 0 && random.next() < link.reorder) {
        arrival += link.reorderDelay.sample(random);
        this.stats.reordered++;
      } else {
        if (state.lastArrival > arrival) arrival = state.lastArrival;
        state.lastArrival = arrival;
      }
      const message: Message<P> = { id, from, to, payload, size, sentAt: now, duplicate: copy === 1 };
      if (copy === 1) this.stats.duplicated++;
      this.trace?.emit('send', { id, from, to, at: arrival, dup: copy === 1 });
      sim.scheduleAt(arrival, this.deliver, message);
    }
    return true;
  }

  private readonly deliver = (message: Message): void => {
    const node = this.nodes.get(message.to);
    if (!this.canReach(message.from, message.to)) {
      this.stats.blocked++;
      this.trace?.emit('drop', { id: message.id, from: message.from, to: message.to, why: 'partition' });
      return;
    }
    if (!node?.up || !node._handler) {
      this.stats.undeliverable++;
      this.trace?.emit('drop', { id: message.id, from: message.from, to: message.to, why: 'down' });
      return;
    }
    this.stats.delivered++;
    this.trace?.emit('recv', { id: message.id, to: message.to });
    if (node._wakes) this.sim.wake();
    node._handler(message);
  };

  private linkState(from: string, to: string): LinkState {
    const links = this.get(from)._links;
    let state = links.get(to);
    if (!state) {
      this.get(to);
      state = { options: this.defaultLink, busyUntil: 0, lastArrival: 0 };
      links.set(to, state);
    }
    return state;
  }
}

function key(from: string, to: string): string {
  return `${from}\u0000${to}`;
}
