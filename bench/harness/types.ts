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
  /**
   * The operations are synchronous: time them called back to back, without awaiting each one
   * (an `await` per call would add a microtask's cost to every contender alike and hide the
   * differences between them).
   * @default false
   */
  readonly synchronous?: boolean;
  /**
   * Run the case in a child process of its own. In a shared process, the other cases' use of the
   * same libraries under other settings (a TTL, long keys) leaves their call sites polymorphic,
   * which slows each library by a different amount and no single-configuration user sees.
   * @default false
   */
  readonly isolated?: boolean;
  /**
   * How many calls one operation makes (a loop inside the operation amortises the harness's
   * own per-operation cost); every figure is divided by it, so the table reads per call.
   * @default 1
   */
  readonly callsPerOperation?: number;
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

/**
 * The figures of a {@link RatioCase}: quality measures such as hit ratios, in the case's unit
 * (percentages, say), where higher is better.
 */
export interface RatioFigures {
  readonly keel: number;
  /** Other libraries' (and Keel's alternative settings') figures, keyed by label. */
  readonly anchors: Readonly<Record<string, number>>;
  /** Bounds no contender can beat (Belady's optimal, say), keyed by a label ending in "(limit)". */
  readonly limits?: Readonly<Record<string, number>>;
}

/**
 * A case comparing a quality figure rather than a cost: computed once (it is deterministic, so
 * there is nothing to sample), higher is better, and Keel is compared with each anchor and limit
 * by the difference in points (Keel's figure minus the other's) instead of a speedup.
 */
export interface RatioCase {
  readonly kind: 'ratio';
  readonly name: string;
  readonly note?: string;
  /** What the figures are, such as `hit %`. */
  readonly unit: string;
  /**
   * Goals: the least difference in points Keel should reach against an anchor or a limit, keyed
   * by its label (`5`: at least 5 points above; `-5`: at most 5 points below).
   */
  readonly targets?: Readonly<Record<string, number>>;
  readonly figures: () => RatioFigures | Promise<RatioFigures>;
}

export type BenchCase = TimeCase | MemoryCase | RatioCase;

/** A suite: a name and its cases, built lazily so that loading a suite costs nothing. */
export interface Suite {
  readonly name: string;
  readonly cases: () => BenchCase[] | Promise<BenchCase[]>;
  /**
   * The cases a child process may be asked to run (memory cases, and time cases marked
   * `isolated`), for suites whose `cases` are costly to build (figures computed up front): the
   * child looks its case up here instead of building every case again.
   */
  readonly childCases?: () => BenchCase[];
}

/** The figures of one case as written to `bench/results/<suite>.json`. */
export interface CaseResult {
  readonly name: string;
  /** `ratio` for a {@link RatioCase}; absent for time and memory cases. */
  readonly kind?: 'ratio';
  /** `ns/op` and `bytes/instance` are costs (lower is better); a ratio case's unit is its own. */
  readonly unit: 'ns/op' | 'bytes/instance' | (string & {});
  /** Keel's median cost (or figure), or null when Keel's side could not run. */
  readonly keel: number | null;
  /** Every anchor's and limit's median cost or figure (null when not available). */
  readonly anchors: Record<string, number | null>;
  /** Anchor cost divided by Keel's cost (higher is better for Keel); limits excluded; empty for ratio cases. */
  readonly speedup: Record<string, number>;
  /** Ratio cases: Keel's figure minus each anchor's and limit's, in points (higher is better for Keel). */
  readonly difference?: Record<string, number>;
  /** Interquartile range over the median, per contender ("keel" and anchor labels). */
  readonly spread?: Record<string, number>;
  /** Declared goals (a speedup, or a difference in points for ratio cases) and whether this run met them. */
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
