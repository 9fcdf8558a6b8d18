import { check, checkKnownKeys } from '@keel/core/options';
import type { TimeSource } from './metrics.js';

/**
 * A value a trace field may hold.
 * @category Metrics
 */
export type TraceValue = string | number | boolean | null;

/**
 * Options of {@link Trace}.
 * @category Metrics
 */
export interface TraceOptions {
  /** Keep lines in memory (otherwise only count and hash them). @default true */
  readonly keep?: boolean;
  /** Most lines kept in memory; later lines are still hashed and counted. @default 100000 */
  readonly maxLines?: number;
  /** Only these kinds are recorded; all when omitted. */
  readonly kinds?: readonly string[];
}

/**
 * Defaults of {@link TraceOptions}.
 * @example
 * ```ts
 * import { DEFAULT_TRACE_OPTIONS } from '@keel/sim';
 * console.log(DEFAULT_TRACE_OPTIONS);
 * ```
 * @category Metrics
 */
export const DEFAULT_TRACE_OPTIONS = { keep: true, maxLines: 100_000 } as const;

const FNV_PRIME = 0x01000193;

/**
 * 32-bit FNV-1a of a string's UTF-16 code units, continuing from `state` (the standard offset
 * basis by default). Fast and pure, for fingerprinting traces, not for security.
 * @example
 * ```ts
 * import { fnv1a32 } from '@keel/sim';
 * console.log(fnv1a32('a').toString(16)); // e40c292c
 * ```
 * @category Metrics
 */
export function fnv1a32(text: string, state = 0x811c9dc5): number {
  let h = state;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

function round(value: number): number {
  return Number.isInteger(value) ? value : Math.round(value * 1000) / 1000;
}

/**
 * A compact, replayable trace: one JSON object per line, keys in a stable order (`t`, the
 * virtual time rounded to microseconds; `k`, the kind; then the fields sorted by name;
 * non-integers rounded to 3 decimals). Equal seeds and scenarios give byte-identical traces,
 * which {@link Trace.hash} fingerprints without keeping every line.
 *
 * @example
 * ```ts
 * import { Simulator, Trace } from '@keel/sim';
 * const sim = new Simulator();
 * const trace = new Trace(sim);
 * trace.emit('send', { from: 'client', to: 'api', id: 1 });
 * console.log(trace.lines[0]); // {"t":0,"k":"send","from":"client","id":1,"to":"api"}
 * ```
 * @category Metrics
 */
export class Trace {
  private readonly keep: boolean;
  private readonly maxLines: number;
  private readonly kinds: ReadonlySet<string> | undefined;
  private readonly kept: string[] = [];
  private total = 0;
  private h1 = 0x811c9dc5;
  private h2 = 0x050c5d1f;

  constructor(
    private readonly time: TimeSource,
    options: TraceOptions = {},
  ) {
    checkKnownKeys('Trace', options, ['keep', 'maxLines', 'kinds']);
    this.keep = check.boolean('keep', options.keep, DEFAULT_TRACE_OPTIONS.keep);
    this.maxLines = check.integer('maxLines', options.maxLines, DEFAULT_TRACE_OPTIONS.maxLines, { min: 0 });
    this.kinds = options.kinds === undefined ? undefined : new Set(options.kinds);
  }

  /** True when lines of `kind` are recorded (lets callers skip building fields). */
  wants(kind: string): boolean {
    return this.kinds === undefined || this.kinds.has(kind);
  }

  /** Records one event at the current virtual time. */
  emit(kind: string, fields?: Readonly<Record<string, TraceValue>>): void {
    if (this.kinds !== undefined && !this.kinds.has(kind)) return;
    let line = `{"t":${round(this.time.now())},"k":${JSON.stringify(kind)}`;
    if (fields) {
      for (const key of Object.keys(fields).sort()) {
        const value = fields[key]!;
        line += `,${JSON.stringify(key)}:${JSON.stringify(typeof value === 'number' ? round(value) : value)}`;
      }
    }
    line += '}';
    this.append(line);
  }

  /** Records a line formatted elsewhere (such as another trace's), unchanged. */
  append(line: string): void {
    this.total++;
    this.h1 = fnv1a32(`${line}\n`, this.h1);
    this.h2 = fnv1a32(`${line}\n`, this.h2);
    if (this.keep && this.kept.length < this.maxLines) this.kept.push(line);
  }

  /** Lines kept in memory, oldest first. */
  get lines(): readonly string[] {
    return this.kept;
  }

  /** Number of lines recorded, kept or not. */
  get count(): number {
    return this.total;
  }

  /** 64-bit fingerprint (two FNV-1a lanes, 16 hex digits) of every line recorded. */
  get hash(): string {
    return this.h1.toString(16).padStart(8, '0') + this.h2.toString(16).padStart(8, '0');
  }

  /** Kept lines as JSON Lines text, each line ending in a newline. */
  toJSONL(): string {
    return this.kept.length === 0 ? '' : `${this.kept.join('\n')}\n`;
  }
}
