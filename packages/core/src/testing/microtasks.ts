/**
 * The microtask turn, counted from the moment its input resolves (or rejects), on which the
 * promise that `wrap` builds from that input settles. Lets a test pin how many turns a wrapper
 * adds, so an extra hop on a hot path fails a test rather than going unnoticed.
 *
 * @example
 * ```ts
 * import { oneAsyncLayer, settlementTurn } from '@keel/core/testing';
 * const reference = await settlementTurn(oneAsyncLayer);
 * const direct = await settlementTurn((input) => input);
 * console.log(direct < reference); // true
 * ```
 * @category Testing
 */
export async function settlementTurn(
  wrap: (input: Promise<string>) => Promise<unknown>,
  fail = false,
): Promise<number> {
  let settle!: (ok: boolean) => void;
  const input = new Promise<string>((resolve, reject) => {
    settle = (ok) => (ok ? resolve('value') : reject(new Error('failure')));
  });
  const output = wrap(input);
  let turn = 0;
  let settledAt = -1;
  const mark = (): void => {
    settledAt = turn;
  };
  output.then(mark, mark);
  settle(!fail);
  while (settledAt < 0 && turn < 50) {
    turn++;
    await Promise.resolve();
  }
  return settledAt;
}

/**
 * The reference wrapper for {@link settlementTurn}: one `async` function awaiting its input.
 *
 * @example
 * ```ts
 * import { oneAsyncLayer, settlementTurn } from '@keel/core/testing';
 * const upper = async (input: Promise<string>) => (await input).toUpperCase();
 * // A wrapper that adds no hop settles on the same turn as the reference.
 * console.log((await settlementTurn(upper)) === (await settlementTurn(oneAsyncLayer))); // true
 * ```
 * @category Testing
 */
export async function oneAsyncLayer(input: Promise<string>): Promise<string> {
  return await input;
}
