/**
 * Quiz questions: some generated from the catalog (which pattern answers a problem, which one
 * is an alternative to another, which one fixes another's weakness), plus the hand-written
 * scenarios. Generation is seeded, so the same catalog always gives the same questions.
 */
import { seededRandom } from '@keel/core/random';
import type { Catalog, Pattern } from '../../../patterns/catalog.ts';

/** One multiple-choice question. */
export interface QuizQuestion {
  readonly id: string;
  readonly prompt: string;
  readonly options: readonly string[];
  /** Index of the right option. */
  readonly answer: number;
  readonly explanation: string;
  /** Pattern slugs whose pages explain the answer. */
  readonly links: readonly string[];
}

function pick<T>(items: readonly T[], count: number, random: { nextInt(n: number): number }): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(random.nextInt(pool.length), 1)[0]!);
  return out;
}

/** Places the right answer among the distractors at a seeded position. */
function assemble(
  id: string,
  prompt: string,
  right: Pattern,
  wrong: readonly Pattern[],
  explanation: string,
  random: { nextInt(n: number): number },
  links: readonly string[] = [right.slug],
): QuizQuestion {
  const answer = random.nextInt(wrong.length + 1);
  const options = wrong.map((p) => p.title);
  options.splice(answer, 0, right.title);
  return {
    id,
    prompt,
    options,
    answer,
    explanation,
    links,
  };
}

/** Questions generated from the catalog's problems and typed relations. */
export function generateQuestions(catalog: Catalog, seed = 1): QuizQuestion[] {
  const random = seededRandom(seed);
  const questions: QuizQuestion[] = [];
  const title = (slug: string) => catalog.patterns.find((p) => p.slug === slug)!.title;

  for (const problem of catalog.problems) {
    const answering = catalog.patterns.filter((p) => p.problems.includes(problem.id));
    const others = catalog.patterns.filter((p) => !p.problems.includes(problem.id));
    if (answering.length === 0 || others.length < 3) continue;
    const right = pick(answering, 1, random)[0]!;
    questions.push(
      assemble(
        `problem-${problem.id}`,
        `“${problem.title}” ${problem.description} Which of these patterns is meant for this problem?`,
        right,
        pick(others, 3, random),
        `${right.title} is listed under this problem: ${right.summary} The others answer different questions.`,
        random,
      ),
    );
  }

  for (const source of catalog.patterns) {
    for (const relation of source.relations) {
      if (relation.type !== 'alternative-to' && relation.type !== 'solves-a-problem-of') continue;
      const target = catalog.patterns.find((p) => p.slug === relation.target)!;
      if (relation.type === 'alternative-to') {
        // Distractors must not be alternatives of the target in either direction.
        const related = new Set([source.slug, target.slug]);
        for (const p of catalog.patterns)
          for (const r of p.relations)
            if (r.type === 'alternative-to' && (r.target === target.slug || p.slug === target.slug))
              related.add(p.slug === target.slug ? r.target : p.slug);
        const wrong = pick(
          catalog.patterns.filter((p) => !related.has(p.slug)),
          3,
          random,
        );
        questions.push(
          assemble(
            `alternative-${source.slug}-${target.slug}`,
            `You are weighing ${target.title} for a design. Which of these patterns is an alternative to it: a different way to solve an overlapping problem?`,
            source,
            wrong,
            `${source.title} is an alternative to ${title(target.slug)}: ${relation.note}`,
            random,
            [source.slug, target.slug],
          ),
        );
      } else {
        const wrong = pick(
          catalog.patterns.filter(
            (p) =>
              p.slug !== target.slug &&
              p.slug !== source.slug &&
              !source.relations.some((r) => r.target === p.slug && r.type === 'solves-a-problem-of'),
          ),
          3,
          random,
        );
        questions.push(
          assemble(
            `fixes-${source.slug}-${target.slug}`,
            `${source.title} is often introduced to fix a weakness of another pattern. Which one?`,
            target,
            wrong,
            `${source.title} solves a problem of ${target.title}: ${relation.note}`,
            random,
            [target.slug, source.slug],
          ),
        );
      }
    }
  }
  return questions;
}

/** Every question in the quiz: the hand-written ones first, then the generated ones. */
export function allQuestions(catalog: Catalog, handwritten: readonly QuizQuestion[]): QuizQuestion[] {
  return [...handwritten, ...generateQuestions(catalog)];
}

/** How many questions one sitting asks. */
export const QUESTIONS_PER_SITTING = 10;

/**
 * The question ids of a sitting: a seeded shuffle of the pool, preferring questions not asked in
 * earlier sittings; no id appears twice.
 */
export function drawSitting(
  ids: readonly string[],
  alreadyAsked: ReadonlySet<string>,
  seed: number,
  count = QUESTIONS_PER_SITTING,
): string[] {
  const random = seededRandom(seed);
  const fresh = pick(
    ids.filter((id) => !alreadyAsked.has(id)),
    count,
    random,
  );
  if (fresh.length >= count) return fresh;
  const chosen = new Set(fresh);
  return [
    ...fresh,
    ...pick(
      ids.filter((id) => !chosen.has(id)),
      count - fresh.length,
      random,
    ),
  ];
}
