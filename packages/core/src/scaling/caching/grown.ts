/** The typed arrays the cache and its helpers keep per slot. */
type SlotArray = Int32Array | Uint8Array | Uint16Array | Float64Array;

/**
 * A copy of `array` lengthened to `length`, the new elements set to `fill`. Per-slot arrays grow
 * this way as a cache takes more slots.
 * @internal
 */
export function grown<T extends SlotArray>(array: T, length: number, fill = 0): T {
  const next = new (array.constructor as new (length: number) => T)(length);
  next.set(array as never);
  if (fill !== 0) next.fill(fill, array.length);
  return next;
}
