import { InvalidOptionError } from '../../errors/index.js';
import { type Event, EventEmitter } from '../../events/index.js';

/**
 * One backend a balancer can send work to.
 * @category Load balancing
 */
export interface Endpoint<M = unknown> {
  /** Stable identity, such as `10.0.0.7:8080` or a pod name. */
  readonly id: string;
  /** Relative capacity, > 0. Weighted algorithms send traffic in proportion to it. */
  readonly weight: number;
  /** Anything the application attaches: zone, version, address. */
  readonly metadata: M;
}

/**
 * What {@link EndpointSet.add} accepts: an endpoint whose weight defaults to 1.
 * @category Load balancing
 */
export interface EndpointInit<M = unknown> {
  readonly id: string;
  /** @default 1 */
  readonly weight?: number;
  readonly metadata?: M;
}

/**
 * A change to an {@link EndpointSet}.
 * @category Load balancing
 */
export type EndpointSetChange<M = unknown> =
  | { readonly kind: 'added'; readonly endpoint: Endpoint<M> }
  | { readonly kind: 'removed'; readonly endpoint: Endpoint<M> }
  | { readonly kind: 'updated'; readonly endpoint: Endpoint<M>; readonly previous: Endpoint<M> };

/**
 * The watchable set of endpoints a balancer spreads work over. Service discovery (or the
 * application) adds, removes and re-weighs endpoints; balancers watch `changed` and pick up the
 * new membership before their next pick. Endpoints are immutable values: an update replaces one.
 *
 * @example
 * ```ts
 * import { EndpointSet } from '@keel/core/load-balancing';
 * const set = new EndpointSet([{ id: 'a:80' }, { id: 'b:80', weight: 2 }]);
 * set.changed((change) => console.log(change.kind, change.endpoint.id));
 * set.update('a:80', { weight: 3 });
 * set.remove('b:80');
 * ```
 * @category Load balancing
 */
export class EndpointSet<M = unknown> {
  private readonly byId = new Map<string, Endpoint<M>>();
  private list: readonly Endpoint<M>[] = [];
  private revision = 0;
  private readonly changedEmitter = new EventEmitter<EndpointSetChange<M>>();
  /** Fires after every add, remove and update. */
  readonly changed: Event<EndpointSetChange<M>> = this.changedEmitter.event;

  constructor(initial: readonly EndpointInit<M>[] = []) {
    for (const endpoint of initial) this.add(endpoint);
  }

  /** The current endpoints in insertion order (a snapshot; never mutated). */
  get endpoints(): readonly Endpoint<M>[] {
    return this.list;
  }

  /** Grows by one on every change, so watchers can tell whether they are up to date. */
  get version(): number {
    return this.revision;
  }

  get size(): number {
    return this.list.length;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): Endpoint<M> | undefined {
    return this.byId.get(id);
  }

  /** Adds an endpoint; its id must be new. */
  add(init: EndpointInit<M>): Endpoint<M> {
    const endpoint = makeEndpoint(init);
    if (this.byId.has(endpoint.id))
      throw new InvalidOptionError('id', endpoint.id, 'an id not already in the set');
    this.byId.set(endpoint.id, endpoint);
    this.commit({ kind: 'added', endpoint });
    return endpoint;
  }

  /** Removes an endpoint; returns false if it was not there. */
  remove(id: string): boolean {
    const endpoint = this.byId.get(id);
    if (!endpoint) return false;
    this.byId.delete(id);
    this.commit({ kind: 'removed', endpoint });
    return true;
  }

  /** Replaces the weight and/or metadata of an endpoint. */
  update(id: string, changes: { readonly weight?: number; readonly metadata?: M }): Endpoint<M> {
    const previous = this.byId.get(id);
    if (!previous) throw new InvalidOptionError('id', id, 'the id of an endpoint in the set');
    const endpoint = makeEndpoint({
      id,
      weight: changes.weight ?? previous.weight,
      metadata: 'metadata' in changes ? changes.metadata : previous.metadata,
    });
    this.byId.set(id, endpoint);
    this.commit({ kind: 'updated', endpoint, previous });
    return endpoint;
  }

  /**
   * Makes the set equal to `next` (a discovery snapshot) with the fewest changes: adds the new,
   * removes the missing and updates those whose weight or metadata changed.
   */
  replaceAll(next: readonly EndpointInit<M>[]): void {
    const wanted = new Map(next.map((init) => [init.id, init]));
    for (const endpoint of this.list) if (!wanted.has(endpoint.id)) this.remove(endpoint.id);
    for (const init of next) {
      const current = this.byId.get(init.id);
      if (!current) this.add(init);
      else if ((init.weight ?? 1) !== current.weight || !sameData(init.metadata, current.metadata))
        this.update(init.id, { weight: init.weight ?? 1, metadata: init.metadata as M });
    }
  }

  private commit(change: EndpointSetChange<M>): void {
    this.list = [...this.byId.values()];
    this.revision++;
    this.changedEmitter.emit(change);
  }
}

/** Structural equality for plain data (what discovery metadata is), so equal snapshots are no-ops. */
function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key) =>
      Object.hasOwn(b, key) &&
      sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

function makeEndpoint<M>(init: EndpointInit<M>): Endpoint<M> {
  if (typeof init?.id !== 'string' || init.id.length === 0)
    throw new InvalidOptionError('id', init?.id, 'a non-empty string');
  const weight = init.weight ?? 1;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0)
    throw new InvalidOptionError('weight', weight, 'a finite number > 0');
  return Object.freeze({ id: init.id, weight, metadata: init.metadata as M });
}
