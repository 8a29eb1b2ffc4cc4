import { createCompatGrader } from './compat/compat-grader.js';
import { displayAnswers, trajectoryLastMessage } from './final-answers.js';
import { createStrictGrader } from './strict/strict-grader.js';
import type { SymbolicChecker } from './strict/symbolic-checker.js';
import type { GradeContext, Grader, GraderName, Verdict } from './types.js';

export interface GradedAnswer {
  readonly grader: GraderName;
  /** The answer the grader extracted (several joined by "; "). */
  readonly answer: string;
  /** Every final answer the grader extracted (strict: the `final-answers@1` policy; compat: its one answer). */
  readonly answers: readonly string[];
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

/** What a model wrote, as each grader reads it. */
export interface Solution {
  /**
   * The answer string as the published runs stored it (`completion`): what mathcoder-compat reads, as MathCoder's
   * evaluate.py did.
   */
  readonly completion: string;
  /** The model's last message: the strict grader reads every final answer in it (default: the completion). */
  readonly message?: string;
  /** Whether that message is complete; a generation cut short gives only marked answers (default true). */
  readonly complete?: boolean;
}

/** A solved trajectory as the graders read it: its stored `completion` and its last message. */
export function trajectorySolution(blocks: readonly { readonly type: string; readonly content: string }[], finished: boolean, completion: string): Solution {
  const { text, complete } = trajectoryLastMessage(blocks, finished);
  return { completion, message: text, complete };
}

/**
 * Grades a model's solution against a reference with each grader given: mathcoder-compat on the stored
 * completion, strict on the last message with the question (`context`) when it is known.
 */
export async function gradeAnswer(reference: string, solution: string | Solution, graders: readonly Grader[], context: GradeContext = {}): Promise<GradedAnswer[]> {
  const { completion, message, complete } = typeof solution === 'string' ? { completion: solution, message: undefined, complete: undefined } : solution;
  return Promise.all(
    graders.map(async (grader) => {
      if (grader.name === 'mathcoder-compat') {
        const answer = grader.extract(completion);
        return { grader: grader.name, answer, answers: [answer], verdict: await grader.equivalent(reference, answer) };
      }
      const text = message ?? completion;
      const strictContext: GradeContext = { ...context, ...(complete === undefined ? {} : { complete }) };
      const answers = grader.extractAll?.(text, strictContext) ?? [grader.extract(text, strictContext)];
      return { grader: grader.name, answer: displayAnswers(answers), answers, verdict: await grader.equivalent(reference, text, strictContext) };
    }),
  );
}
