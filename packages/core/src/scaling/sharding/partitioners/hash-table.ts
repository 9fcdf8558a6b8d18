/**
 * A circular table of positions, each owned by a shard index: what the ketama ring and Maglev
 * have in common. Bounded-load placement walks it from a key's position to the first shard that
 * still has room, so it works over either.
 */
export interface PositionTable {
  /** Number of positions. */
  readonly positionCount: number;
  /** The first position a key with this 32-bit hash lands on. */
  positionOf(hash: number): number;
  /** The index (into `shards`) of the shard owning `position`. */
  ownerAt(position: number): number;
}
