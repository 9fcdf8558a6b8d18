/**
 * The pattern selector's decision logic: from a problem and a few constraints to the patterns
 * that fit, each with the reasons it fits, and the ones ruled out with the reason why. Pure, so
 * the page's script and the tests use the same code.
 */
import type { Catalog, Pattern } from '../../../patterns/catalog.ts';

/** Answers to the selector's questions; every field but `problem` has a permissive default. */
export interface SelectorAnswers {
  /** Problem id from the catalog. */
  readonly problem: string;
  /** `none`: nothing may be added beyond the application; `any`: new infrastructure is fine. */
  readonly infra: 'none' | 'any';
  /** The most operational complexity the team can take on. */
  readonly ops: 'low' | 'medium' | 'high';
  /** What the healthy path may cost: `none`, `low` (an in-process check) or `any`. */
  readonly latency: 'none' | 'low' | 'any';
  /** `strong`: data must never be read stale; `any`: eventual convergence is acceptable. */
  readonly consistency: 'strong' | 'any';
  /** Whether patterns the catalog marks legacy may be suggested. */
  readonly legacy: boolean;
}

/** The most permissive answers for a problem. */
export const DEFAULT_ANSWERS: Omit<SelectorAnswers, 'problem'> = {
  infra: 'any',
  ops: 'high',
  latency: 'any',
  consistency: 'any',
  legacy: false,
};

/** Questions after the problem, with their choices, in the order the page asks them. */
export const CONSTRAINT_QUESTIONS = [
  {
    key: 'infra',
    question: 'Can you add infrastructure (a broker, a proxy, a coordination store, another region)?',
    choices: [
      ['any', 'Yes, if it pays for itself'],
      ['none', 'No, it has to live inside the application'],
    ],
  },
  {
    key: 'ops',
    question: 'How much operational complexity can your team take on?',
    choices: [
      ['high', 'A lot: we run serious infrastructure already'],
      ['medium', 'Some: one more component with monitoring'],
      ['low', 'Little: a library or a setting'],
    ],
  },
  {
    key: 'latency',
    question: 'May the pattern add latency to healthy requests?',
    choices: [
      ['any', 'Yes, correctness or resilience matters more'],
      ['low', 'Only a small in-process cost'],
      ['none', 'No added latency at all'],
    ],
  },
  {
    key: 'consistency',
    question: 'Must readers always see the latest write?',
    choices: [
      ['any', 'No, converging a little later is fine'],
      ['strong', 'Yes, stale reads are not acceptable'],
    ],
  },
] as const;

const OPS_RANK = { low: 0, medium: 1, high: 2 } as const;
const LATENCY_RANK = { reduces: 0, none: 0, low: 1, moderate: 2, high: 3 } as const;
const LATENCY_LIMIT = { none: 0, low: 1, any: 3 } as const;
const TIER_RANK = { gold: 0, silver: 1, bronze: 2 } as const;
const STATUS_RANK = { recommended: 0, stable: 1, 'use-with-caution': 2, legacy: 3 } as const;
const DIFFICULTY_RANK = { beginner: 0, intermediate: 1, advanced: 2 } as const;
const WEAK_CONSISTENCY = new Set(['eventual', 'strong-eventual', 'causal']);

/** One pattern the selector suggests, with why. */
export interface Suggestion {
  readonly pattern: Pattern;
  readonly reasons: readonly string[];
}

/** One pattern that answers the problem but was ruled out, with why. */
export interface Exclusion {
  readonly pattern: Pattern;
  readonly reason: string;
  /** The answer that ruled it out. */
  readonly constraint: keyof SelectorAnswers;
}

/** What the selector concludes. */
export interface Selection {
  readonly suggestions: readonly Suggestion[];
  readonly excluded: readonly Exclusion[];
}

/** Reads answers from URL search parameters, falling back to defaults for missing or bad values. */
export function answersFromParams(params: URLSearchParams, catalog: Catalog): SelectorAnswers | undefined {
  const problem = params.get('problem');
  if (!problem || !catalog.problems.some((p) => p.id === problem)) return undefined;
  const pick = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const value = params.get(key) as T | null;
    return value !== null && allowed.includes(value) ? value : fallback;
  };
  return {
    problem,
    infra: pick('infra', ['none', 'any'], DEFAULT_ANSWERS.infra),
    ops: pick('ops', ['low', 'medium', 'high'], DEFAULT_ANSWERS.ops),
    latency: pick('latency', ['none', 'low', 'any'], DEFAULT_ANSWERS.latency),
    consistency: pick('consistency', ['strong', 'any'], DEFAULT_ANSWERS.consistency),
    legacy: params.get('legacy') === '1',
  };
}

/** Writes answers as URL search parameters, leaving out defaults so shared links stay short. */
export function answersToParams(answers: SelectorAnswers): URLSearchParams {
  const params = new URLSearchParams({ problem: answers.problem });
  for (const key of ['infra', 'ops', 'latency', 'consistency'] as const)
    if (answers[key] !== DEFAULT_ANSWERS[key]) params.set(key, answers[key]);
  if (answers.legacy) params.set('legacy', '1');
  return params;
}

function exclusionReason(p: Pattern, a: SelectorAnswers): Omit<Exclusion, 'pattern'> | undefined {
  const c = p.comparison;
  if (a.infra === 'none' && !c.infrastructure.every((i) => i === 'none'))
    return { constraint: 'infra', reason: `needs infrastructure: ${c.infrastructure.join(', ')}` };
  if (OPS_RANK[c.operationalComplexity] > OPS_RANK[a.ops])
    return {
      constraint: 'ops',
      reason: `its operational complexity is ${c.operationalComplexity}, above your limit (${a.ops})`,
    };
  if (LATENCY_RANK[c.latencyCost] > LATENCY_LIMIT[a.latency])
    return { constraint: 'latency', reason: `it adds ${c.latencyCost} latency to healthy requests` };
  if (a.consistency === 'strong' && WEAK_CONSISTENCY.has(c.consistencyModel))
    return { constraint: 'consistency', reason: `it gives ${c.consistencyModel} consistency, not strong` };
  if (!a.legacy && p.status === 'legacy')
    return { constraint: 'legacy', reason: 'the catalog marks it legacy: avoid it in new designs' };
  return undefined;
}

function reasonsFor(p: Pattern, a: SelectorAnswers, problemTitle: string): string[] {
  const c = p.comparison;
  const reasons = [`It answers “${problemTitle}”.`];
  reasons.push(
    c.infrastructure.every((i) => i === 'none')
      ? 'It needs no infrastructure beyond the application.'
      : `It relies on: ${c.infrastructure.join(', ')}.`,
  );
  reasons.push(
    `Operational complexity is ${c.operationalComplexity}${a.ops !== 'high' ? ', within your limit' : ''}.`,
  );
  reasons.push(
    c.latencyCost === 'reduces'
      ? 'It lowers typical latency.'
      : `Latency cost on healthy requests: ${c.latencyCost}.`,
  );
  if (c.consistencyModel !== 'not-applicable') reasons.push(`Consistency: ${c.consistencyModel}.`);
  reasons.push(`It handles: ${c.failureHandled.join(', ')}.`);
  reasons.push(`${p.tier[0]!.toUpperCase()}${p.tier.slice(1)} tier, ${p.status.replace(/-/g, ' ')}.`);
  return reasons;
}

/**
 * Applies the answers: patterns answering the problem that pass every constraint, best first
 * (tier, then status, then the easier one), and the others with the first constraint they fail.
 */
export function selectPatterns(catalog: Catalog, answers: SelectorAnswers): Selection {
  const problem = catalog.problems.find((p) => p.id === answers.problem);
  if (!problem) return { suggestions: [], excluded: [] };
  const suggestions: Suggestion[] = [];
  const excluded: Exclusion[] = [];
  for (const p of catalog.patterns) {
    if (!p.problems.includes(problem.id)) continue;
    const exclusion = exclusionReason(p, answers);
    if (exclusion) excluded.push({ pattern: p, ...exclusion });
    else suggestions.push({ pattern: p, reasons: reasonsFor(p, answers, problem.title) });
  }
  suggestions.sort(
    (x, y) =>
      TIER_RANK[x.pattern.tier] - TIER_RANK[y.pattern.tier] ||
      STATUS_RANK[x.pattern.status] - STATUS_RANK[y.pattern.status] ||
      DIFFICULTY_RANK[x.pattern.difficulty] - DIFFICULTY_RANK[y.pattern.difficulty],
  );
  return { suggestions, excluded };
}
