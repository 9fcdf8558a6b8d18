/**
 * The slice of a test framework a contract suite needs; vitest, mocha, jest and node:test all
 * provide it, so contracts do not depend on any of them.
 * @category Testing
 */
export interface TestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void> | void, timeoutMs?: number): void;
  afterEach?(body: () => Promise<void> | void): void;
}

/**
 * A freshly set-up subject for one contract case, with its teardown.
 * @category Testing
 */
export interface ContractFixture<S> {
  readonly subject: S;
  teardown?(): Promise<void> | void;
}

/**
 * One behaviour every adapter of a port must show.
 * @category Testing
 */
export interface ContractCase<S, Tools = unknown> {
  readonly name: string;
  run(subject: S, tools: Tools): Promise<void> | void;
  /** Per-case time limit for slow adapters. */
  readonly timeoutMs?: number;
}

/**
 * A named list of cases for one port.
 * @category Testing
 */
export interface Contract<S, Tools = unknown> {
  readonly port: string;
  readonly cases: readonly ContractCase<S, Tools>[];
}

/**
 * Declares a contract suite for a port.
 *
 * @example
 * ```ts
 * import { defineContract, assertEqual } from '@keel/core/testing';
 * interface Counter { increment(): Promise<number> }
 * export const counterContract = defineContract<Counter>('Counter', [
 *   { name: 'starts at one', async run(counter) { assertEqual(await counter.increment(), 1); } },
 * ]);
 * ```
 * @category Testing
 */
export function defineContract<S, Tools = unknown>(
  port: string,
  cases: readonly ContractCase<S, Tools>[],
): Contract<S, Tools> {
  return { port, cases };
}

/**
 * Registers every case of `contract` with the test framework, each on a fresh fixture.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { assertEqual, defineContract, runContract } from '@keel/core/testing';
 * const storeContract = defineContract<Map<string, number>>('Store', [
 *   { name: 'reads back what it wrote', run: (store) => assertEqual(store.set('a', 1).get('a'), 1) },
 * ]);
 * runContract({ describe, it }, 'Map', storeContract, () => ({ subject: new Map() }));
 * console.log(`${storeContract.cases.length} case registered`);
 * ```
 * @category Testing
 */
export function runContract<S, Tools = unknown>(
  api: TestApi,
  adapterName: string,
  contract: Contract<S, Tools>,
  setup: () => Promise<ContractFixture<S>> | ContractFixture<S>,
  tools?: Tools,
): void {
  api.describe(`${contract.port} contract: ${adapterName}`, () => {
    for (const testCase of contract.cases) {
      api.it(
        testCase.name,
        async () => {
          const fixture = await setup();
          try {
            await testCase.run(fixture.subject, tools as Tools);
          } finally {
            await fixture.teardown?.();
          }
        },
        testCase.timeoutMs,
      );
    }
  });
}

/**
 * Minimal assertion for contract cases (which cannot import a framework's `expect`).
 *
 * @example
 * ```ts
 * import { assertEqual } from '@keel/core/testing';
 * try {
 *   assertEqual([1, 2, 3].length, 4, 'length');
 * } catch (error) {
 *   console.log((error as Error).message); // length: expected 4, got 3
 * }
 * ```
 * @category Testing
 */
export function assertEqual<T>(actual: T, expected: T, message?: string): void {
  if (!Object.is(actual, expected) && JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(
      `${message ?? 'Values differ'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    );
  }
}

/**
 * Asserts a condition in a contract case.
 *
 * @example
 * ```ts
 * import { assertTrue } from '@keel/core/testing';
 * const lease: { token?: bigint } = { token: 7n };
 * assertTrue(lease.token !== undefined, 'a lease has a token');
 * console.log(lease.token + 1n); // 8n: the assertion narrowed the type
 * ```
 * @category Testing
 */
export function assertTrue(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}

/**
 * Asserts that `fn` rejects, and that the error passes `check` when given.
 *
 * @example
 * ```ts
 * import { assertRejects } from '@keel/core/testing';
 * const error = await assertRejects(async () => JSON.parse('{'), (e) => e instanceof SyntaxError);
 * console.log((error as Error).name); // SyntaxError
 * ```
 * @category Testing
 */
export async function assertRejects(
  fn: () => Promise<unknown>,
  check?: (error: unknown) => boolean,
  message = 'expected a rejection',
): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    if (check && !check(error)) throw new Error(`${message}: wrong error ${String(error)}`);
    return error;
  }
  throw new Error(message);
}
