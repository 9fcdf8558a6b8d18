import { InvalidOptionError } from '../../errors/index.js';
import { StaleFencingTokenError } from './errors.js';

/**
 * A value as kept by a {@link FencedStore}, with the token of the write that stored it.
 * @category Distributed lock
 */
export interface FencedValue<T> {
  readonly value: T;
  readonly token: bigint;
}

/**
 * A resource that protects itself with fencing tokens: it remembers the highest token that
 * wrote each key and refuses writes carrying an older one. This is what makes a lease-based
 * lock safe when a holder pauses past its lease (garbage collection, a stalled event loop, a
 * slow network): by the time the paused holder writes, a newer holder's token has been seen.
 * Repeated writes with the same token (the same holder) are accepted.
 *
 * The in-memory version stands in for the real resource in tests and simulations; the
 * PostgreSQL package ships the same rule as a conditional `UPDATE`.
 *
 * @example
 * ```ts
 * import { FencedStore } from '@keel/core/distributed-lock';
 * const balances = new FencedStore<number>();
 * balances.write('alice', 7n, 100);
 * console.log(balances.read('alice')); // { value: 100, token: 7n }
 * ```
 * @category Distributed lock
 */
export class FencedStore<T> {
  private readonly values = new Map<string, FencedValue<T>>();
  private accepted = 0;
  private rejected = 0;

  /** Stores `value` under `key` unless a newer token has written it; throws `StaleFencingTokenError` then. */
  write(key: string, token: bigint, value: T): void {
    checkToken(token);
    const current = this.values.get(key);
    if (current && current.token > token) {
      this.rejected++;
      throw new StaleFencingTokenError(key, token, current.token);
    }
    this.accepted++;
    this.values.set(key, { value, token });
  }

  /**
   * Applies `update` to the current value under the same fencing rule (read-modify-write
   * in one step, as a database would do it in one statement).
   */
  update(key: string, token: bigint, update: (current: T | undefined) => T): T {
    checkToken(token);
    const current = this.values.get(key);
    if (current && current.token > token) {
      this.rejected++;
      throw new StaleFencingTokenError(key, token, current.token);
    }
    const value = update(current?.value);
    this.accepted++;
    this.values.set(key, { value, token });
    return value;
  }

  /** The current value and the token that wrote it. */
  read(key: string): FencedValue<T> | undefined {
    return this.values.get(key);
  }

  /** The highest token that has written `key` (0n when none has). */
  highestToken(key: string): bigint {
    return this.values.get(key)?.token ?? 0n;
  }

  /** How many writes were accepted and rejected so far. */
  get stats(): { readonly accepted: number; readonly rejected: number } {
    return { accepted: this.accepted, rejected: this.rejected };
  }
}

/**
 * A token must be a bigint: anything else compares false against every stored token and would
 * slip past the fence (an untyped caller passing `undefined`, a Redlock lease that has none).
 */
function checkToken(token: unknown): asserts token is bigint {
  if (typeof token !== 'bigint') throw new InvalidOptionError('token', token, 'a bigint fencing token');
}
