/**
 * The order in which contenders run: every round runs each contender once (A B C, A B C, ...),
 * and the starting contender rotates from round to round (A B C, B C A, C A B) so that no
 * contender always runs right after a given other one or first after a pause.
 */
export interface Slot {
  readonly round: number;
  readonly contender: number;
}

/** The interleaved run order for `contenders` contenders over `rounds` rounds. */
export function interleave(contenders: number, rounds: number): Slot[] {
  const order: Slot[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let offset = 0; offset < contenders; offset++) {
      order.push({ round, contender: (round + offset) % contenders });
    }
  }
  return order;
}
