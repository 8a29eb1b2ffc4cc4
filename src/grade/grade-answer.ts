import { createCompatGrader } from './compat/compat-grader.js';
import { createStrictGrader } from './strict/strict-grader.js';
import type { SymbolicChecker } from './strict/symbolic-checker.js';
import type { Grader, GraderName, Verdict } from './types.js';

export interface GradedAnswer {
  readonly grader: GraderName;
  /** The answer the grader extracted from the completion. */
  readonly answer: string;
  readonly verdict: Verdict;
}

export interface GraderSetOptions {
  /** sympy for the strict grader's symbolic path (null: sampled only). */
  readonly checker?: SymbolicChecker | null;
  /** The dataset, when known: `gsm8k` turns on evaluate.py's GSM8K letter stripping in the compat grader. */
  readonly dataset?: string;
}

/** Both graders, strict first. */
export function createGraders(options: GraderSetOptions = {}): Record<GraderName, Grader> {
  return {
    strict: createStrictGrader({ checker: options.checker ?? null }),
    'mathcoder-compat': createCompatGrader({ gsm8k: options.dataset === 'gsm8k' }),
  };
}

/** A reference answer as text, the way Python's str() writes the JSON value (None for null). */
export function referenceText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** Grades a model's completion against a reference with each grader given. */
export async function gradeAnswer(reference: string, completion: string, graders: readonly Grader[]): Promise<GradedAnswer[]> {
  return Promise.all(
    graders.map(async (grader) => {
      const answer = grader.extract(completion);
      return { grader: grader.name, answer, verdict: await grader.equivalent(reference, answer) };
    }),
  );
}
