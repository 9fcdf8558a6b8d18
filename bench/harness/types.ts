/**
 * What a benchmark suite is made of. A case compares Keel with the libraries a user would
 * otherwise pick (anchors) and, where one exists, with a physical limit such as a bare
 * `await fn()`; every contender runs the same workload.
 */

/** One operation under measurement; the harness awaits whatever it returns. */
export type Operation = () => unknown;

/** A contender that cannot run (for example, its module is missing), with the reason. */
export interface Unavailable {
  readonly unavailable: string;
}

/** A contender of a time case: `prepare` builds the operation once, outside the timed region. */
export interface TimedContender {
  readonly prepare: () => Operation | Promise<Operation>;
}

/** A contender of a memory case: `create` builds one instance, which the harness keeps alive. */
export interface MemoryContender {
  readonly create: () => unknown;
}

/** A case timed in nanoseconds per operation. */
export interface TimeCase {
  readonly kind: 'time';
  /** Says what is compared and how each side is configured. */
  readonly name: string;
  /** Anything a reader needs to interpret the figures (printed under the table, kept in the JSON). */
  readonly note?: string;
  /** Goals: the least speedup Keel should reach against an anchor, keyed by anchor label. */
  readonly targets?: Readonly<Record<string, number>>;
  readonly keel: TimedContender | Unavailable;
  /** Keyed by `package@version`. */
  readonly anchors: Readonly<Record<string, TimedContender | Unavailable>>;
  /** Physical limits, keyed by a label ending in "(limit)"; reported but given no speedup. */
  readonly limits?: Readonly<Record<string, TimedContender>>;
}

/** A case measuring retained heap bytes per instance, each contender in fresh child processes. */
export interface MemoryCase {
  readonly kind: 'memory';
  readonly name: string;
  readonly note?: string;
  readonly targets?: Readonly<Record<string, number>>;
  /** How many instances are created and kept alive per measurement. */
  readonly count: number;
  readonly keel: MemoryContender | Unavailable;
  readonly anchors: Readonly<Record<string, MemoryContender | Unavailable>>;
}

export type BenchCase = TimeCase | MemoryCase;

/** A suite: a name and its cases, built lazily so that loading a suite costs nothing. */
export interface Suite {
  readonly name: string;
  readonly cases: () => BenchCase[] | Promise<BenchCase[]>;
}

/** The figures of one case as written to `bench/results/<suite>.json`. */
export interface CaseResult {
  readonly name: string;
  readonly unit: 'ns/op' | 'bytes/instance';
  /** Keel's median cost, or null when Keel's side could not run. */
  readonly keel: number | null;
  /** Every anchor's and limit's median cost (null when not available). */
  readonly anchors: Record<string, number | null>;
  /** Anchor cost divided by Keel's cost (higher is better for Keel); limits excluded. */
  readonly speedup: Record<string, number>;
  /** Interquartile range over the median, per contender ("keel" and anchor labels). */
  readonly spread?: Record<string, number>;
  /** Declared goals and whether this run met them, keyed by anchor label. */
  readonly targets?: Record<string, { readonly atLeast: number; readonly met: boolean | null }>;
  /** Why a contender is missing, keyed as above. */
  readonly unavailable?: Record<string, string>;
  readonly note?: string;
}

/** The whole file `bench/results/<suite>.json`. */
export interface SuiteResult {
  readonly suite: string;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly date: string;
  /** The command that produced the file. */
  readonly command: string;
  readonly smoke: boolean;
  readonly cases: CaseResult[];
}

/** Returns true when a contender is a placeholder for something that could not run. */
export function isUnavailable(contender: object): contender is Unavailable {
  return 'unavailable' in contender;
}
